using MyDocker.Runtime.Lifecycle;
using MyDocker.Runtime.State;
using MyDocker.Spec;

namespace MyDocker.Cli;

/// <summary>`mydocker list [--format table|json] [-q]`, in runc's shapes.</summary>
public static class ListCommand
{
    public static int Run(CommandContext ctx)
    {
        string format = "table";
        bool quiet = false;
        var a = ctx.Args;
        while (!a.AtEnd)
        {
            if (!a.AtFlag) throw new MyDockerException($"list: unexpected argument \"{a.Peek}\"");
            string name = a.NextFlag(out string? v);
            switch (name)
            {
                case "f" or "format": format = a.FlagValue(name, v); break;
                case "q" or "quiet": quiet = true; break;
                default: throw new MyDockerException($"list: unknown flag --{name}");
            }
        }
        var all = StateQuery.All(new StateStore(ctx.Global.Root));
        if (quiet)
        {
            foreach (var c in all) Console.Out.WriteLine(c.Id);
        }
        else if (format == "json")
        {
            Console.Out.WriteLine(ContainerListJson.Write(all));
        }
        else if (format == "table")
        {
            Console.Out.WriteLine($"{"ID",-20} {"PID",-8} {"STATUS",-10} {"BUNDLE",-40} {"CREATED",-30} OWNER");
            foreach (var c in all)
                Console.Out.WriteLine($"{c.Id,-20} {c.Pid,-8} {c.Status,-10} {c.Bundle,-40} {c.Created:yyyy-MM-ddTHH:mm:ss.fffffffZ} {c.Owner}");
        }
        else throw new MyDockerException($"list: unknown format \"{format}\" (want table or json)");
        return 0;
    }
}
