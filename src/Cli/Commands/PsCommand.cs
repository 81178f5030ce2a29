using MyDocker.Runtime.Lifecycle;
using MyDocker.Runtime.Process;
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
            Console.Out.WriteLine($"[{string.Join(',', pids)}]");
            return 0;
        }
        if (format != "table") throw new MyDockerException($"ps: unknown format \"{format}\" (want table or json)");

        // Its exit status is not ours to judge: ps prints its own complaints on our stderr.
        string output = HostCommand.Run("ps", psArgs, "ps: cannot run the host's ps").Stdout;
        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
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
