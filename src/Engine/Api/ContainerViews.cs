using System.Globalization;
using System.Text.Json.Nodes;
using MyDocker.Engine.Containers;
using MyDocker.Runtime.Network;

namespace MyDocker.Engine.Api;

/// <summary>The JSON shapes Docker answers for containers: a line of GET /containers/json, and GET /containers/{id}/json.</summary>
public static class ContainerViews
{
    public static JsonObject Summary(ContainerRecord c) => new()
    {
        ["Id"] = c.Id,
        ["Names"] = new JsonArray(c.Name),
        ["Image"] = c.Image,
        ["ImageID"] = c.ImageId,
        ["Command"] = string.Join(' ', c.Args),
        ["Created"] = new DateTimeOffset(c.Created).ToUnixTimeSeconds(),
        ["State"] = c.State.Status,
        ["Status"] = HumanStatus(c),
        ["Ports"] = new JsonArray(Ports(c).Select(p => (JsonNode)new JsonObject
        {
            ["IP"] = p.HostIp, ["PrivatePort"] = p.ContainerPort, ["PublicPort"] = p.HostPort, ["Type"] = p.Protocol,
        }).ToArray()),
        ["Labels"] = Labels(c),
        ["HostConfig"] = new JsonObject { ["NetworkMode"] = c.NetworkMode },
        ["NetworkSettings"] = new JsonObject { ["Networks"] = Networks(c) },
        ["Mounts"] = new JsonArray(),
    };

    public static JsonObject Inspect(ContainerRecord c, string dir)
    {
        var s = c.State;
        var config = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(c.Config, EngineJson.Default.ContainerConfigBody))!.AsObject();
        var hostConfig = config["HostConfig"]?.DeepClone().AsObject() ?? new JsonObject();
        config.Remove("HostConfig");
        // What docker-py and the CLI read even when the request left them out: the log driver, the network, the restart policy.
        hostConfig["LogConfig"] ??= new JsonObject { ["Type"] = "json-file", ["Config"] = new JsonObject() };
        hostConfig["NetworkMode"] = c.NetworkMode;
        hostConfig["RestartPolicy"] ??= new JsonObject { ["Name"] = "no", ["MaximumRetryCount"] = 0 };
        config["Image"] = c.Image;
        if (config["Hostname"] is null || (string?)config["Hostname"] == "") config["Hostname"] = c.ShortId;
        return new JsonObject
        {
            ["Id"] = c.Id,
            ["Created"] = Time(c.Created),
            ["Path"] = c.Args.FirstOrDefault() ?? "",
            ["Args"] = new JsonArray(c.Args.Skip(1).Select(a => (JsonNode)a).ToArray()),
            ["State"] = new JsonObject
            {
                ["Status"] = s.Status == "removing" ? "removing" : s.Status,
                ["Running"] = s.Status == "running",
                ["Paused"] = false,
                ["Restarting"] = false,
                ["OOMKilled"] = s.OOMKilled,
                ["Dead"] = false,
                ["Pid"] = s.Pid,
                ["ExitCode"] = s.ExitCode,
                ["Error"] = s.Error,
                ["StartedAt"] = Time(s.StartedAt),
                ["FinishedAt"] = Time(s.FinishedAt),
            },
            ["Image"] = c.ImageId,
            ["ResolvConfPath"] = Path.Combine(dir, "resolv.conf"),
            ["HostnamePath"] = Path.Combine(dir, "hostname"),
            ["HostsPath"] = Path.Combine(dir, "hosts"),
            ["LogPath"] = Path.Combine(dir, "container.log"),
            ["Name"] = c.Name,
            ["RestartCount"] = 0,
            ["Driver"] = "overlay",
            ["Platform"] = "linux",
            ["MountLabel"] = "",
            ["ProcessLabel"] = "",
            ["AppArmorProfile"] = "",
            ["HostConfig"] = hostConfig,
            ["GraphDriver"] = new JsonObject
            {
                ["Name"] = "overlay",
                ["Data"] = new JsonObject { ["UpperDir"] = Path.Combine(dir, "upper"), ["WorkDir"] = Path.Combine(dir, "work"), ["MergedDir"] = Path.Combine(dir, "rootfs") },
            },
            ["Mounts"] = new JsonArray(),
            ["Config"] = config,
            ["NetworkSettings"] = new JsonObject
            {
                ["IPAddress"] = c.NetworkMode == "slirp4netns" ? SlirpBundle.ContainerAddress : "",
                ["IPPrefixLen"] = c.NetworkMode == "slirp4netns" ? 24 : 0,
                ["Gateway"] = c.NetworkMode == "slirp4netns" ? SlirpBundle.Gateway : "",
                ["Ports"] = PortMap(c),
                ["Networks"] = Networks(c),
            },
            ["UserNamespace"] = c.UserNamespaceSize == 0 ? null : new JsonObject { ["HostStart"] = c.UserNamespaceHostStart, ["Size"] = c.UserNamespaceSize },
        };
    }

    /// <summary>"Up 5 seconds", "Exited (3) 2 minutes ago", "Created": what docker ps prints.</summary>
    public static string HumanStatus(ContainerRecord c) => c.State.Status switch
    {
        "running" => "Up " + Ago(c.State.StartedAt),
        "exited" => $"Exited ({c.State.ExitCode}) {Ago(c.State.FinishedAt)} ago",
        "removing" => "Removal In Progress",
        _ => "Created",
    };

    private static string Ago(DateTime t)
    {
        var d = DateTime.UtcNow - t;
        if (d.TotalSeconds < 1) return "Less than a second";
        if (d.TotalSeconds < 60) return $"{(int)d.TotalSeconds} seconds";
        if (d.TotalMinutes < 60) return (int)d.TotalMinutes == 1 ? "About a minute" : $"{(int)d.TotalMinutes} minutes";
        if (d.TotalHours < 48) return (int)d.TotalHours == 1 ? "About an hour" : $"{(int)d.TotalHours} hours";
        return $"{(int)d.TotalDays} days";
    }

    private static List<PortMapping> Ports(ContainerRecord c) => c.Ports.Select(PortMapping.Parse).ToList();

    private static JsonObject PortMap(ContainerRecord c)
    {
        var map = new JsonObject();
        foreach (var p in Ports(c))
        {
            string key = $"{p.ContainerPort}/{p.Protocol}";
            if (map[key] is not JsonArray list) map[key] = list = new JsonArray();
            list.Add((JsonNode)new JsonObject { ["HostIp"] = p.HostIp, ["HostPort"] = p.HostPort.ToString(CultureInfo.InvariantCulture) });
        }
        return map;
    }

    private static JsonObject Networks(ContainerRecord c) => c.NetworkMode == "slirp4netns"
        ? new JsonObject { ["slirp4netns"] = new JsonObject { ["IPAddress"] = SlirpBundle.ContainerAddress, ["IPPrefixLen"] = 24, ["Gateway"] = SlirpBundle.Gateway } }
        : new JsonObject { [c.NetworkMode] = new JsonObject() };

    private static JsonObject Labels(ContainerRecord c)
    {
        var o = new JsonObject();
        foreach (var (k, v) in c.Config.Labels ?? []) o[k] = v;
        return o;
    }

    public static string Time(DateTime t) => t == default ? "0001-01-01T00:00:00Z" : t.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture);
}
