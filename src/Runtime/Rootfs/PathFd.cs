using MyDocker.Spec;
using static MyDocker.Runtime.Interop.Libc;

namespace MyDocker.Runtime.Rootfs;

/// <summary>
/// An open O_PATH file descriptor of a file or directory, closed on Dispose.
/// An O_PATH fd pins one object: what it refers to can't change, even if someone renames or
/// replaces a path component afterwards. <see cref="ProcPath"/> hands it to calls like mount(2)
/// that only take path strings.
/// </summary>
public sealed class PathFd : IDisposable
{
    public int Fd { get; private set; }

    /// <summary>The path inside the rootfs this fd was resolved from (symlinks followed), e.g. "/run/lock".</summary>
    public string InRootPath { get; }

    /// <summary>The file type bits of the object (S_IFDIR, S_IFREG, S_IFCHR...).</summary>
    public uint FileType { get; }

    public bool IsDirectory => FileType == S_IFDIR;

    /// <summary>
    /// "/proc/self/fd/N": a magic link to exactly this object. Mounting onto it mounts onto the
    /// object the fd holds, not onto whatever a path points to by then (runc CVE-2021-30465).
    /// </summary>
    public string ProcPath => $"/proc/self/fd/{Fd}";

    public PathFd(int fd, string inRootPath, uint fileType)
    {
        Fd = fd;
        InRootPath = inRootPath;
        FileType = fileType;
    }

    /// <summary>Opens a host directory (e.g. the rootfs) as the starting point of safe lookups.</summary>
    public static PathFd OpenDirectory(string hostPath)
    {
        int fd = OpenAt(AT_FDCWD, hostPath, O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
        if (fd < 0) throw Fail($"open {hostPath}");
        return new PathFd(fd, "/", S_IFDIR);
    }

    public void Dispose()
    {
        if (Fd >= 0) Close(Fd);
        Fd = -1;
    }
}
