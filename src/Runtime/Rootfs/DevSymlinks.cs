using static MyDocker.Runtime.Interop.Libc;

namespace MyDocker.Runtime.Rootfs;

/// <summary>
/// runtime-linux.md "/dev symbolic links": /dev/fd, /dev/stdin, /dev/stdout, /dev/stderr point
/// into /proc/self/fd (and /dev/core to /proc/kcore where the kernel has it).
/// config-linux.md "Default Devices": /dev/ptmx -> pts/ptmx, so that a pty opened in the
/// container comes from the container's own devpts instance (mounted with newinstance).
/// </summary>
public static class DevSymlinks
{
    public static IReadOnlyList<(string Name, string Target)> Links()
    {
        var links = new List<(string, string)>
        {
            ("fd", "/proc/self/fd"),
            ("stdin", "/proc/self/fd/0"),
            ("stdout", "/proc/self/fd/1"),
            ("stderr", "/proc/self/fd/2"),
        };
        // /proc/kcore exists only with CONFIG_PROC_KCORE; we still see the host's /proc here.
        if (File.Exists("/proc/kcore")) links.Add(("core", "/proc/kcore"));
        return links;
    }

    /// <summary>Creates the links in the rootfs's /dev; existing entries are left alone, as the spec allows.</summary>
    public static void Create(PathFd root)
    {
        using var dev = SafePath.Open(root, "/dev", CreateAs.Directory, "/dev symlinks: path");
        foreach (var (name, target) in Links())
        {
            if (SymlinkAt(target, dev.Fd, name) < 0 && LastErrno != EEXIST)
                throw Fail($"/dev symlinks: symlink {dev.InRootPath}/{name} -> {target}");
        }
    }

    /// <summary>/dev/ptmx -> pts/ptmx, replacing whatever /dev/ptmx was (done when /dev/pts is mounted).</summary>
    public static void CreatePtmx(PathFd root)
    {
        using var dev = SafePath.Open(root, "/dev", CreateAs.Directory, "/dev/ptmx: path");
        if (UnlinkAt(dev.Fd, "ptmx", 0) < 0 && LastErrno != ENOENT)
            throw Fail($"/dev/ptmx: remove existing {dev.InRootPath}/ptmx");
        if (SymlinkAt("pts/ptmx", dev.Fd, "ptmx") < 0)
            throw Fail($"/dev/ptmx: symlink {dev.InRootPath}/ptmx -> pts/ptmx");
    }
}
