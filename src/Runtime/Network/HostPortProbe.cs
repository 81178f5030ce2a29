using System.Buffers.Binary;
using System.Net;
using MyDocker.Runtime.Interop;

namespace MyDocker.Runtime.Network;

/// <summary>
/// slirp4netns answers a failed port forward with "slirp_add_hostfwd failed" and nothing more. To say
/// why, we try the same bind ourselves (and let go at once): EADDRINUSE is a port already in use,
/// EADDRNOTAVAIL an address this host does not have.
/// </summary>
public static unsafe class HostPortProbe
{
    /// <summary>Why the host side of <paramref name="port"/> cannot be listened on, or null when a bind works.</summary>
    public static string? WhyNotListening(PortMapping port)
    {
        int fd = Libc.Socket(Libc.AF_INET, (port.Protocol == "udp" ? Libc.SOCK_DGRAM : Libc.SOCK_STREAM) | Libc.SOCK_CLOEXEC, 0);
        if (fd < 0) return null;
        try
        {
            var addr = new Libc.SockAddrIn
            {
                Family = Libc.AF_INET,
                PortBigEndian = BinaryPrimitives.ReverseEndianness((ushort)port.HostPort),
                AddressBigEndian = BitConverter.ToUInt32(IPAddress.Parse(port.HostIp).GetAddressBytes()),
            };
            if (Libc.BindInet(fd, &addr, (uint)sizeof(Libc.SockAddrIn)) == 0) return null;
            return Libc.LastErrno switch
            {
                Libc.EADDRINUSE => "the host port is already in use",
                Libc.EADDRNOTAVAIL => $"{port.HostIp} is not an address of this host",
                int errno => Libc.StrError(errno),
            };
        }
        finally
        {
            Libc.Close(fd);
        }
    }
}
