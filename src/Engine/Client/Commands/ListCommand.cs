using System.Text.Json.Nodes;
using MyDocker.Engine.Client.Format;
using MyDocker.Engine.Client.Streams;

namespace MyDocker.Engine.Client.Commands;

/// <summary>container ls [-a] [-q] [--no-trunc]: GET /containers/json, printed in docker ps's columns.</summary>
public static class ListCommand
{
    public static async Task<int> Run(ApiClient api, string[] args)
    {
        var cl = CommandLine.Parse("container ls", args, ["-a|--all", "-q|--quiet", "--no-trunc"]);
        bool noTrunc = cl.Has("no-trunc");
        var list = (await api.Get("/containers/json" + (cl.Has("all") ? "?all=1" : "")))?.AsArray() ?? [];
        // Newest first, as dockerd answers.
        var rows = list.OfType<JsonObject>().OrderByDescending(c => c["Created"]?.GetValue<long>() ?? 0).ToList();
        if (cl.Has("quiet"))
        {
            foreach (var c in rows) StdStreams.WriteLine(ShortId(Str(c, "Id"), noTrunc));
            return 0;
        }
        var table = new TextTable("CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES");
        foreach (var c in rows)
        {
            string command = Str(c, "Command");
            table.Add(
                ShortId(Str(c, "Id"), noTrunc),
                Str(c, "Image"),
                "\"" + (noTrunc ? command : Ellipsis(command, 20)) + "\"",
                HumanUnits.Ago(c["Created"]?.GetValue<long>() ?? 0),
                Str(c, "Status"),
                Ports(c["Ports"]?.AsArray()),
                string.Join(',', (c["Names"]?.AsArray() ?? []).Select(n => n?.GetValue<string>().TrimStart('/') ?? "")));
        }
        StdStreams.Write(StdStreams.Stdout, table.ToString());
        return 0;
    }

    public static string ShortId(string id, bool noTrunc = false)
    {
        if (id.StartsWith("sha256:", StringComparison.Ordinal)) id = id[7..];
        return noTrunc || id.Length <= 12 ? id : id[..12];
    }

    /// <summary>Go's stringutils.Ellipsis: at most <paramref name="max"/> characters, the last one "…" when cut.</summary>
    public static string Ellipsis(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";

    private static string Str(JsonObject o, string key) => o[key]?.GetValue<string>() ?? "";

    /// <summary>"0.0.0.0:8080->80/tcp, 53/udp".</summary>
    private static string Ports(JsonArray? ports) => string.Join(", ", (ports ?? []).OfType<JsonObject>().Select(p =>
    {
        string ip = p["IP"]?.GetValue<string>() ?? "";
        int pub = p["PublicPort"]?.GetValue<int>() ?? 0, priv = p["PrivatePort"]?.GetValue<int>() ?? 0;
        string type = p["Type"]?.GetValue<string>() ?? "tcp";
        return pub != 0 ? $"{(ip.Length > 0 ? ip : "0.0.0.0")}:{pub}->{priv}/{type}" : $"{priv}/{type}";
    }));
}
