using System.Text;
using System.Text.Json;
using MyDocker.Runtime.Interop;
using MyDocker.Runtime.Process;
using MyDocker.Runtime.Terminal;
using MyDocker.Spec;

namespace MyDocker.Runtime.Network;

/// <summary>
/// slirp4netns's API socket (its --api-socket): one JSON request per connection, one JSON answer,
/// then slirp4netns closes the connection. A port forward is
///   → {"execute": "add_hostfwd", "arguments": {"proto": "tcp", "host_addr": "127.0.0.1", "host_port": 8080, "guest_port": 80}}
///   ← {"return": {"id": 1}}    or    {"error": {"desc": "bad request: add_hostfwd: slirp_add_hostfwd failed"}}
/// Without guest_addr slirp4netns forwards to the address --configure gave the container (10.0.2.100).
/// </summary>
public static unsafe class SlirpApi
{
    /// <summary>Asks slirp4netns to listen on the mapping's host side and forward to the container; a refusal is one line naming the port and why.</summary>
    public static void AddHostForward(string socketPath, PortMapping port)
    {
        string request = "{\"execute\":\"add_hostfwd\",\"arguments\":{" +
            $"\"proto\":\"{port.Protocol}\",\"host_addr\":\"{port.HostIp}\",\"host_port\":{port.HostPort},\"guest_port\":{port.ContainerPort}" + "}}";
        string answer = Call(socketPath, request);
        string? error = ErrorOf(answer);
        if (error == null) return;
        string why = HostPortProbe.WhyNotListening(port) ?? $"slirp4netns said \"{MessageText.Escape(error)}\"";
        throw new MyDockerException($"slirp4netns: cannot publish container port {port.ContainerPort} on {port.HostSide}: {why}");
    }

    /// <summary>null when the answer is {"return": ...}; the error's text otherwise.</summary>
    internal static string? ErrorOf(string answer)
    {
        try
        {
            using var doc = JsonDocument.Parse(answer);
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("return", out _)) return null;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.Object
                && e.TryGetProperty("desc", out var desc) && desc.ValueKind == JsonValueKind.String)
                return desc.GetString();
        }
        catch (JsonException) { }
        return $"unexpected answer: {answer}";
    }

    private static string Call(string socketPath, string request)
    {
        int sock = Libc.Socket(Libc.AF_UNIX, Libc.SOCK_STREAM | Libc.SOCK_CLOEXEC, 0);
        if (sock < 0) throw Libc.Fail("slirp4netns API: socket");
        try
        {
            if (UnixSocket.WithAddress(socketPath, (addr, len) => Libc.Connect(sock, addr, len)) < 0)
                throw Libc.Fail($"slirp4netns API {socketPath}: connect");
            if (!FdBytes.WriteAll(sock, Encoding.UTF8.GetBytes(request)))
                throw Libc.Fail($"slirp4netns API {socketPath}: write");
            return Encoding.UTF8.GetString(FdBytes.ReadAll(sock, $"slirp4netns API {socketPath}: read"));
        }
        finally
        {
            Libc.Close(sock);
        }
    }
}
