using System.Globalization;
using System.Text.Json.Nodes;
using MyDocker.Engine.Client.Format;
using MyDocker.Engine.Client.Streams;

namespace MyDocker.Engine.Client.Commands;

/// <summary>
/// container stats [--no-stream] [CONTAINER...]: GET /containers/{id}/stats?stream=false for each
/// running container (all of them when none is named), twice a second apart: CPU % is the container's
/// CPU time over the host's in that interval, times the number of CPUs, as docker computes it.
/// Without --no-stream the table is redrawn every second until interrupted.
/// </summary>
public static class StatsCommand
{
    public static async Task<int> Run(ApiClient api, string[] args)
    {
        var cl = CommandLine.Parse("container stats", args, ["--no-stream", "-a|--all", "--no-trunc"]);
        var names = cl.Positional.Count > 0 ? cl.Positional
            : ((await api.Get("/containers/json"))?.AsArray() ?? []).Select(c => c!["Id"]!.GetValue<string>()).ToList();
        var previous = await Sample(api, names);
        while (true)
        {
            await Task.Delay(1000);
            var current = await Sample(api, names);
            var table = new TextTable("CONTAINER ID", "NAME", "CPU %", "MEM USAGE / LIMIT", "MEM %", "NET I/O", "BLOCK I/O", "PIDS");
            foreach (var (name, s) in current)
                table.Add(Row(s, previous.FirstOrDefault(p => p.Name == name).Stats));
            string text = table.ToString();
            StdStreams.Write(StdStreams.Stdout, cl.Has("no-stream") ? text : "\u001b[2J\u001b[H" + text);
            if (cl.Has("no-stream")) return 0;
            previous = current;
        }
    }

    private static async Task<List<(string Name, JsonNode Stats)>> Sample(ApiClient api, List<string> names)
    {
        var result = new List<(string, JsonNode)>();
        foreach (string n in names)
            result.Add((n, await api.Get($"{ContainerApi.Path(n)}/stats?stream=false") ?? new JsonObject()));
        return result;
    }

    private static string[] Row(JsonNode s, JsonNode? before)
    {
        double cpu = 0;
        if (before != null)
        {
            double cpuDelta = Long(s, "cpu_stats", "cpu_usage", "total_usage") - Long(before, "cpu_stats", "cpu_usage", "total_usage");
            double systemDelta = Long(s, "cpu_stats", "system_cpu_usage") - Long(before, "cpu_stats", "system_cpu_usage");
            long cpus = Long(s, "cpu_stats", "online_cpus");
            if (cpuDelta > 0 && systemDelta > 0) cpu = cpuDelta / systemDelta * (cpus > 0 ? cpus : 1) * 100;
        }
        long mem = Long(s, "memory_stats", "usage"), limit = Long(s, "memory_stats", "limit");
        string id = s["id"]?.GetValue<string>() ?? "";
        return
        [
            ListCommand.ShortId(id),
            (s["name"]?.GetValue<string>() ?? "").TrimStart('/'),
            cpu.ToString("0.00", CultureInfo.InvariantCulture) + "%",
            $"{HumanUnits.BinarySize(mem)} / {HumanUnits.BinarySize(limit)}",
            (limit > 0 ? mem * 100.0 / limit : 0).ToString("0.00", CultureInfo.InvariantCulture) + "%",
            "0B / 0B",
            "0B / 0B",
            Long(s, "pids_stats", "current").ToString(CultureInfo.InvariantCulture),
        ];
    }

    private static long Long(JsonNode node, params string[] path)
    {
        JsonNode? n = node;
        foreach (string p in path) n = n?[p];
        return n is JsonValue v && v.TryGetValue(out long l) ? l : 0;
    }
}
