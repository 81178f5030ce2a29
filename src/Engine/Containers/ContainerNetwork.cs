using MyDocker.Engine.Api;
using MyDocker.Runtime.Network;
using MyDocker.Spec;

namespace MyDocker.Engine.Containers;

/// <summary>
/// --net: "slirp4netns" (a network namespace with tap0 through the runtime's slirp4netns hook, the
/// default for containers with a user namespace), "none" (a network namespace with only lo), "host"
/// (the host's network namespace). Docker's "default"/"bridge" mean slirp4netns here: there is no
/// bridge, and slirp4netns needs no change to the host, with or without a user namespace.
/// </summary>
public static class ContainerNetwork
{
    public static string Mode(string? networkMode) => networkMode switch
    {
        null or "" or "default" or "bridge" => "slirp4netns",
        "slirp4netns" or "none" or "host" => networkMode,
        _ => throw ApiException.BadRequest($"network mode {MessageText.Quote(networkMode)} is not supported: use slirp4netns, none or host"),
    };

    /// <summary>HostConfig.PortBindings {"80/tcp": [{"HostIp": "127.0.0.1", "HostPort": "8080"}]} as the hook's mappings.</summary>
    public static List<PortMapping> Ports(Dictionary<string, List<Api.Models.PortBindingBody>?>? bindings)
    {
        var ports = new List<PortMapping>();
        if (bindings == null) return ports;
        foreach (var (containerPort, hosts) in bindings)
        {
            string[] pp = containerPort.Split('/');
            string proto = pp.Length > 1 ? pp[1] : "tcp";
            foreach (var h in hosts ?? [])
            {
                if (string.IsNullOrEmpty(h.HostPort))
                    throw ApiException.BadRequest($"port {containerPort}: a host port is needed (slirp4netns cannot pick one)");
                string ip = string.IsNullOrEmpty(h.HostIp) ? "0.0.0.0" : h.HostIp;
                try { ports.Add(PortMapping.Parse($"{ip}:{h.HostPort}:{pp[0]}/{proto}")); }
                catch (MyDockerException e) { throw ApiException.BadRequest(e.Message); }
            }
        }
        return ports;
    }
}
