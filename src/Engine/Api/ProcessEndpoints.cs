using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using MyDocker.Engine.Containers;
using MyDocker.Runtime.Process;

namespace MyDocker.Engine.Api;

/// <summary>
/// GET /containers/{id}/top and /containers/{id}/stats?stream=false: both ask the runtime (`mydocker ps
/// --format json` for the pids, `mydocker events --stats` for the cgroup counters), as dockerd asks
/// containerd, and reshape the answer into Docker's.
/// </summary>
public static class ProcessEndpoints
{
    public static void Map(IEndpointRouteBuilder app, ContainerService containers)
    {
        app.MapGet("/containers/{id}/top", (RequestDelegate)(ctx => Top(ctx, containers)));
        app.MapGet("/containers/{id}/stats", (RequestDelegate)(ctx => Stats(ctx, containers)));
    }

    private static Task Top(HttpContext ctx, ContainerService containers)
    {
        var c = Running(containers, Query.Route(ctx, "id"));
        var pids = JsonNode.Parse(containers.Runtime.Run("ps", "--format", "json", c.Id))!.AsArray().Select(p => p!.GetValue<int>().ToString()).ToHashSet();
        string psArgs = Query.String(ctx, "ps_args") is { Length: > 0 } a ? a : "-ef";
        if (psArgs.Any(ch => !(char.IsAsciiLetterOrDigit(ch) || ch is '-' or ' ' or ','))) throw ApiException.BadRequest($"ps_args {Spec.MessageText.Quote(psArgs)}: only letters, digits, '-', ',' and spaces");
        var ps = HostCommand.Run("ps", psArgs.Split(' ', StringSplitOptions.RemoveEmptyEntries), "ps");
        var lines = ps.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length == 0) throw new ApiException(500, "ps printed nothing");
        var titles = lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        int pidColumn = Array.IndexOf(titles, "PID");
        if (pidColumn < 0) throw ApiException.BadRequest($"ps_args {Spec.MessageText.Quote(psArgs)}: the output has no PID column");
        var processes = new JsonArray();
        foreach (string line in lines.Skip(1))
        {
            // The last column (the command) may hold spaces: split only into as many fields as there are titles.
            var fields = line.Split(' ', titles.Length, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (fields.Length > pidColumn && pids.Contains(fields[pidColumn]))
                processes.Add((JsonNode)new JsonArray(fields.Select(f => (JsonNode)f).ToArray()));
        }
        return ContainersEndpoints.Write(ctx, new JsonObject
        {
            ["Titles"] = new JsonArray(titles.Select(t => (JsonNode)t).ToArray()),
            ["Processes"] = processes,
        });
    }

    private static Task Stats(HttpContext ctx, ContainerService containers)
    {
        var c = Running(containers, Query.Route(ctx, "id"));
        var data = JsonNode.Parse(containers.Runtime.Run("events", "--stats", c.Id))?["data"];
        long memUsage = (long?)data?["memory"]?["usage"]?["usage"] ?? 0, memLimit = (long?)data?["memory"]?["usage"]?["limit"] ?? 0;
        long cpuTotal = (long?)data?["cpu"]?["usage"]?["total"] ?? 0;
        long pidsCurrent = (long?)data?["pids"]?["current"] ?? 0, pidsLimit = (long?)data?["pids"]?["limit"] ?? 0;
        var body = new JsonObject
        {
            ["read"] = ContainerViews.Time(DateTime.UtcNow),
            ["id"] = c.Id,
            ["name"] = c.Name,
            ["pids_stats"] = new JsonObject { ["current"] = pidsCurrent, ["limit"] = pidsLimit },
            ["cpu_stats"] = new JsonObject
            {
                ["cpu_usage"] = new JsonObject { ["total_usage"] = cpuTotal },
                ["system_cpu_usage"] = SystemCpuNanoseconds(),
                ["online_cpus"] = Environment.ProcessorCount,
            },
            ["precpu_stats"] = new JsonObject { ["cpu_usage"] = new JsonObject { ["total_usage"] = 0 } },
            ["memory_stats"] = new JsonObject { ["usage"] = memUsage, ["limit"] = SystemEndpoints.MemTotal() is > 0 and var total ? Math.Min(memLimit, total) : memLimit },
        };
        return ContainersEndpoints.Write(ctx, body);
    }

    private static ContainerRecord Running(ContainerService containers, string id)
    {
        var c = containers.Store.Get(id);
        return c.State.Status == "running" ? c : throw ApiException.Conflict($"Container {c.Id} is not running");
    }

    /// <summary>Docker's system_cpu_usage: all CPU time since boot in nanoseconds (the first line of /proc/stat, in USER_HZ=100 ticks).</summary>
    private static long SystemCpuNanoseconds()
    {
        string first = File.ReadLines("/proc/stat").First();
        return first.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8).Sum(long.Parse) * 10_000_000;
    }
}
