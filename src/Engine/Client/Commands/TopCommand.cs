using System.Text.Json.Nodes;
using MyDocker.Engine.Client.Format;
using MyDocker.Engine.Client.Streams;

namespace MyDocker.Engine.Client.Commands;

/// <summary>container top ID [ps OPTIONS]: GET /containers/{id}/top?ps_args=..., the host's ps lines of the container's processes.</summary>
public static class TopCommand
{
    public static async Task<int> Run(ApiClient api, string[] args)
    {
        var cl = CommandLine.Parse("container top", args, [], stopAtCommand: true);
        cl.NeedAtLeast("container top", 1, "CONTAINER [ps OPTIONS]");
        string psArgs = string.Join(' ', cl.Positional.Skip(1));
        var top = await api.Get($"{ContainerApi.Path(cl.Positional[0])}/top" + (psArgs.Length > 0 ? "?ps_args=" + ApiClient.Q(psArgs) : ""));
        var titles = (top?["Titles"]?.AsArray() ?? []).Select(t => t?.GetValue<string>() ?? "").ToArray();
        // docker top's tabwriter has a minimum cell width of 20.
        var table = new TextTable(titles) { MinWidth = 20 };
        foreach (var p in top?["Processes"]?.AsArray() ?? [])
            table.Add((p?.AsArray() ?? []).Select(f => f?.GetValue<string>() ?? "").ToArray());
        StdStreams.Write(StdStreams.Stdout, table.ToString());
        return 0;
    }
}
