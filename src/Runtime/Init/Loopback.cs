using System.Runtime.InteropServices;
using MyDocker.Runtime.Interop;
using MyDocker.Spec;

namespace MyDocker.Runtime.Init;

/// <summary>
/// A new network namespace starts with only "lo", and it is down. runc brings it up, and programs
/// expect 127.0.0.1 to work, so init does the same: SIOCGIFFLAGS, set IFF_UP, SIOCSIFFLAGS.
/// </summary>
public static unsafe class Loopback
{
    private const int AF_INET = 2, SOCK_DGRAM = 2;
    private const nuint SIOCGIFFLAGS = 0x8913, SIOCSIFFLAGS = 0x8914;
    private const short IFF_UP = 0x1;

    /// <summary>struct ifreq: 16 bytes of name, then a union whose first member we use is short ifr_flags.</summary>
    [StructLayout(LayoutKind.Sequential, Size = 40)]
    private struct IfReq
    {
        public fixed byte Name[16];
        public short Flags;
    }

    public static void Up()
    {
        int sock = Libc.Socket(AF_INET, SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
        if (sock < 0) throw Libc.Fail("bringing up lo: socket");
        try
        {
            IfReq req = default;
            req.Name[0] = (byte)'l';
            req.Name[1] = (byte)'o';
            Libc.Check(Libc.Ioctl(sock, SIOCGIFFLAGS, &req), "bringing up lo: SIOCGIFFLAGS");
            req.Flags |= IFF_UP;
            Libc.Check(Libc.Ioctl(sock, SIOCSIFFLAGS, &req), "bringing up lo: SIOCSIFFLAGS");
        }
        finally
        {
            Libc.Close(sock);
        }
    }
}
