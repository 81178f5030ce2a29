using MyDocker.Runtime.Interop;

namespace MyDocker.Runtime.Process;

/// <summary>
/// File descriptors the runtime opens for `mydocker init` to inherit: without close-on-exec, so they
/// survive clone() and execve(). Dispose closes the runtime's copies once init has its own.
/// </summary>
public sealed class InheritedFds : IDisposable
{
    private readonly List<int> _fds = new();

    /// <summary>Opens a path for init (never close-on-exec).</summary>
    public int Open(string path, int flags)
    {
        int fd = Libc.Open(path, flags & ~Libc.O_CLOEXEC, 0);
        if (fd < 0) throw Libc.Fail($"opening {path}");
        _fds.Add(fd);
        return fd;
    }

    /// <summary>Takes an fd the runtime already has and lets init inherit it.</summary>
    public int Adopt(int fd)
    {
        _fds.Add(fd);
        Libc.Check(Libc.Fcntl(fd, Libc.F_SETFD, 0), "fcntl(F_SETFD)");
        return fd;
    }

    public void Dispose()
    {
        foreach (int fd in _fds) Libc.Close(fd);
        _fds.Clear();
    }
}
