using System.Text;
using MyDocker.Runtime.Interop;
using MyDocker.Spec;

namespace MyDocker.Engine.Monitor;

/// <summary>
/// bind() for the monitor's unix sockets. sun_path holds 107 bytes and a container directory can be
/// longer, so a long path goes through its directory: open it (O_PATH) and bind
/// /proc/self/fd/N/NAME, which the kernel resolves like the full path (the runtime's console socket
/// code does the same).
/// </summary>
public static unsafe class MonitorSocket
{
    public static void Bind(int fd, string path) =>
        WithAddress(path, (addr, len) => Libc.Bind(fd, addr, len), "bind");

    /// <summary>A listening socket at path (any old one replaced), mode 0600: only root may attach.</summary>
    public static int Listen(string path, int backlog)
    {
        File.Delete(path);
        int fd = Libc.Check(Libc.Socket(Libc.AF_UNIX, Libc.SOCK_STREAM | Libc.SOCK_CLOEXEC | Libc.O_NONBLOCK, 0), "socket");
        try
        {
            Bind(fd, path);
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            Libc.Check(Libc.Listen(fd, backlog), $"listen {path}");
            return fd;
        }
        catch
        {
            Libc.Close(fd);
            throw;
        }
    }

    /// <summary>The path the kernel should use for path: itself, or /proc/self/fd/DIRFD/NAME (dirFd then open, for the caller to close).</summary>
    public static string ShortPath(string path, out int dirFd)
    {
        dirFd = -1;
        if (Encoding.UTF8.GetByteCount(path) < Libc.SunPathMax) return path;
        string dir = Path.GetDirectoryName(path) is { Length: > 0 } d ? d : "/";
        dirFd = Libc.Open(dir, Libc.O_PATH | Libc.O_DIRECTORY | Libc.O_CLOEXEC, 0);
        if (dirFd < 0) throw Libc.Fail($"opening {dir}");
        string shortPath = $"/proc/self/fd/{dirFd}/{Path.GetFileName(path)}";
        if (Encoding.UTF8.GetByteCount(shortPath) >= Libc.SunPathMax)
        {
            Libc.Close(dirFd);
            throw new MyDockerException($"socket {path}: name too long", Libc.ENAMETOOLONG);
        }
        return shortPath;
    }

    private delegate int AddressUser(Libc.SockAddrUn* addr, uint len);

    private static void WithAddress(string path, AddressUser call, string what)
    {
        string kernelPath = ShortPath(path, out int dirFd);
        try
        {
            byte[] bytes = Encoding.UTF8.GetBytes(kernelPath);
            var addr = new Libc.SockAddrUn { Family = Libc.AF_UNIX };
            for (int i = 0; i < bytes.Length; i++) addr.Path[i] = bytes[i];
            if (call(&addr, (uint)(sizeof(ushort) + bytes.Length + 1)) < 0) throw Libc.Fail($"{what} {path}");
        }
        finally
        {
            if (dirFd >= 0) Libc.Close(dirFd);
        }
    }
}
