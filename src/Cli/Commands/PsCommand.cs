using System.Diagnostics;
using System.Text.Json;
using MyDocker.Runtime.Lifecycle;
using MyDocker.Runtime.State;
using MyDocker.Spec;

namespace MyDocker.Cli;

/// <summary>
/// `mydocker ps [--format table|json] ID [ps options]`, like runc: json is the list of pids in the
/// container's cgroup; table runs the host's `ps` (default `-ef`) and keeps the header and the rows
/// whose PID column is one of them.
/// </summary>
public static class PsCommand
{
    public static int Run(CommandContext ctx)
    {
        string format = "table";
        var a = ctx.Args;
        string? id = null;
        while (!a.AtEnd && id == null)
        {
            if (!a.AtFlag) { id = a.Next(); break; }
            string name = a.NextFlag(out string? v);
            if (name is "f" or "format") format = a.FlagValue(name, v);
            else throw new MyDockerException($"ps: unknown flag --{name}");
        }
        if (id == null) throw new MyDockerException("ps: missing container ID");
        string[] psArgs = a.Rest().Length > 0 ? a.Rest() : ["-ef"];

        var store = new StateStore(ctx.Global.Root);
        var record = store.Load(id);
        var pids = ContainerCgroups.Require(record, "ps").Pids();
        if (format == "json")
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(pids.ToList(), PsJsonContext.Default.ListInt32));
            return 0;
        }
        if (format != "table") throw new MyDockerException($"ps: unknown format \"{format}\" (want table or json)");

        var psi = new ProcessStartInfo("ps") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in psArgs) psi.ArgumentList.Add(arg);
        using var ps = System.Diagnostics.Process.Start(psi) ?? throw new MyDockerException("ps: cannot run the host's ps");
        string[] lines = ps.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        ps.WaitForExit();
        if (lines.Length == 0) return 0;
        int pidColumn = Array.IndexOf(lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries), "PID");
        if (pidColumn < 0) throw new MyDockerException("ps: the ps output has no PID column");
        var set = pids.ToHashSet();
        Console.Out.WriteLine(lines[0]);
        foreach (var line in lines.Skip(1))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length > pidColumn && int.TryParse(fields[pidColumn], out int pid) && set.Contains(pid))
                Console.Out.WriteLine(line);
        }
        return 0;
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(List<int>))]
internal partial class PsJsonContext : System.Text.Json.Serialization.JsonSerializerContext
{
}
