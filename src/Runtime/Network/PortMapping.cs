using System.Globalization;
using System.Net;
using System.Net.Sockets;
using MyDocker.Spec;

namespace MyDocker.Runtime.Network;

/// <summary>
/// One published port, as Docker's `-p` writes it: [HOST_IP:]HOST_PORT:CONTAINER_PORT[/tcp|/udp].
/// Without HOST_IP the port listens on every host address (0.0.0.0), as in Docker. slirp4netns
/// forwards IPv4 only, so HOST_IP must be an IPv4 address.
/// </summary>
public sealed record PortMapping(string HostIp, int HostPort, int ContainerPort, string Protocol)
{
    public const string Form = "[HOST_IP:]HOST_PORT:CONTAINER_PORT[/tcp|/udp]";

    public static PortMapping Parse(string text)
    {
        string spec = text, protocol = "tcp";
        int slash = text.LastIndexOf('/');
        if (slash >= 0)
        {
            protocol = text[(slash + 1)..];
            spec = text[..slash];
            if (protocol is not ("tcp" or "udp")) throw Bad(text, $"protocol \"{protocol}\" is not tcp or udp");
        }
        string[] parts = spec.Split(':');
        if (parts.Length is < 2 or > 3) throw Bad(text, "expected " + Form);
        string hostIp = parts.Length == 3 ? parts[0] : "0.0.0.0";
        if (!IPAddress.TryParse(hostIp, out var address) || address.AddressFamily != AddressFamily.InterNetwork
            || hostIp.Count(c => c == '.') != 3)
            throw Bad(text, $"host address \"{hostIp}\" is not an IPv4 address");
        int hostPort = Port(parts[^2], "host port", text);
        int containerPort = Port(parts[^1], "container port", text);
        return new PortMapping(address.ToString(), hostPort, containerPort, protocol);
    }

    /// <summary>The canonical text, which <see cref="Parse"/> reads back: "127.0.0.1:8080:80/tcp".</summary>
    public override string ToString() => $"{HostIp}:{HostPort}:{ContainerPort}/{Protocol}";

    /// <summary>The host side as error messages name it: "127.0.0.1:8080/tcp".</summary>
    public string HostSide => $"{HostIp}:{HostPort}/{Protocol}";

    private static int Port(string text, string what, string whole)
    {
        if (text.Length == 0 || !text.All(char.IsAsciiDigit)
            || !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
            throw Bad(whole, $"{what} \"{text}\" is not a number from 1 to 65535");
        return port;
    }

    private static MyDockerException Bad(string text, string why) =>
        new($"invalid port mapping {MessageText.Quote(text)}: {why}");
}
