using static MyDocker.Runtime.Interop.Libc;

namespace MyDocker.Runtime.Rootfs;

/// <summary>
/// config-linux.md "maskedPaths": hide paths the container must not read (e.g. /proc/kcore,
/// /proc/keys). A file gets /dev/null bind-mounted over it (reads give nothing, writes vanish);
/// a directory gets an empty read-only tmpfs over it. Paths that don't exist are skipped.
/// Runs after pivot_root, so /dev/null is the container's own.
/// </summary>
public static class MaskedPaths
{
    public static void Apply(IReadOnlyList<string>? paths)
    {
        if (paths is null) return;
        for (int i = 0; i < paths.Count; i++)
        {
            string path = paths[i], what = $"linux.maskedPaths[{i}]";
            if (StatxPath(path, out StatxBuf st) < 0)
            {
                if (LastErrno == ENOENT) continue;
                throw Fail($"{what}: stat {path}");
            }
            if (st.IsDirectory)
            {
                if (Mount("tmpfs", path, "tmpfs", MS_RDONLY, null) < 0)
                    throw Fail($"{what}: mount a read-only tmpfs over {path}");
            }
            else if (Mount("/dev/null", path, null, MS_BIND, null) < 0)
            {
                throw Fail($"{what}: bind /dev/null over {path}");
            }
        }
    }
}
