using System.Runtime.InteropServices;

namespace MyDocker.Runtime.Interop;

/// <summary>IPv4 sockets: only to find out why slirp4netns could not listen on a published host port.</summary>
public static unsafe partial class Libc
{
    public const int AF_INET = 2, SOCK_DGRAM = 2;
    public const int EADDRINUSE = 98, EADDRNOTAVAIL = 99;

    /// <summary>posix_spawnattr_setflags: the child calls setsid() (glibc 2.26+).</summary>
    public const short POSIX_SPAWN_SETSID = 0x80;

    /// <summary>struct sockaddr_in: family, port and address in network byte order, 8 bytes of padding.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct SockAddrIn
    {
        public ushort Family;
        public ushort PortBigEndian;
        public uint AddressBigEndian;
        public ulong Zero;
    }

    [LibraryImport(Lib, EntryPoint = "bind", SetLastError = true)]
    public static partial int BindInet(int fd, SockAddrIn* addr, uint addrLen);
}
