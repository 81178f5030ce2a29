using MyDocker.Spec;
using static MyDocker.Runtime.Interop.Libc;

namespace MyDocker.Runtime.Rootfs;

/// <summary>
/// config-linux.md "readonlyPaths": each path is bind-mounted onto itself and that bind mount
/// is made read-only; paths that don't exist are skipped.
/// Runs after pivot_root: "/" is the container's root by then, so plain paths can't lead out of it.
/// </summary>
public static class ReadonlyPaths
{
    public static void Apply(IReadOnlyList<string>? paths)
    {
        if (paths is null) return;
        for (int i = 0; i < paths.Count; i++)
        {
            string path = paths[i], what = $"linux.readonlyPaths[{i}]";
            if (Mount(path, path, null, MS_BIND | MS_REC, null) < 0)
            {
                if (LastErrno == ENOENT) continue;
                throw Fail($"{what}: bind {path} onto itself");
            }
            Remount.ReadOnly(path, what);
        }
    }
}
