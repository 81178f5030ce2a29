using System.Text;
using MyDocker.Runtime.Interop;
using MyDocker.Spec;

namespace MyDocker.Runtime.Terminal;

/// <summary>Shared plumbing for the console socket: unix-socket addresses and closing quietly.</summary>
internal static unsafe class UnixSocket
{
    internal delegate int AddressUser(Libc.SockAddrUn* addr, uint addrLen);

    /// <summary>
    /// Calls bind or connect with a sockaddr_un for path. sun_path holds only 107 bytes, so a longer
    /// path goes through its directory instead: open the directory (O_PATH) and use
    /// /proc/self/fd/DIRFD/NAME, which the kernel resolves like the original path.
    /// Returns the call's result; errno is left for the caller to report.
    /// </summary>
    internal static int WithAddress(string path, AddressUser call)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(path);
        if (bytes.Length < Libc.SunPathMax) return Call(bytes, call);

        string dir = Path.GetDirectoryName(path) is { Length: > 0 } d ? d : "/";
        string name = Path.GetFileName(path);
        int dirFd = Libc.Open(dir, Libc.O_PATH | Libc.O_DIRECTORY | Libc.O_CLOEXEC, 0);
        if (dirFd < 0) return -1;
        try
        {
            bytes = Encoding.UTF8.GetBytes($"/proc/self/fd/{dirFd}/{name}");
            if (bytes.Length >= Libc.SunPathMax)
                throw new MyDockerException($"console socket {path}: socket name too long", Libc.ENAMETOOLONG);
            return Call(bytes, call);
        }
        finally
        {
            Libc.Close(dirFd);
        }
    }

    private static int Call(byte[] pathBytes, AddressUser call)
    {
        var addr = new Libc.SockAddrUn { Family = Libc.AF_UNIX };
        for (int i = 0; i < pathBytes.Length; i++) addr.Path[i] = pathBytes[i];
        // The length covers the family, the path and its terminating NUL (the struct is zeroed).
        uint len = (uint)(sizeof(ushort) + pathBytes.Length + 1);
        return call(&addr, len);
    }

    /// <summary>Closes fd when it is valid, ignoring errors (for cleanup paths).</summary>
    internal static void CloseQuietly(int fd)
    {
        if (fd >= 0) Libc.Close(fd);
    }
}
