using MyDocker.Runtime.Lifecycle;
using MyDocker.Runtime.State;
using MyDocker.Spec;

namespace MyDocker.Cli;

/// <summary>`mydocker create [--bundle DIR] [--pid-file F] [--console-socket S] ID` (runtime.md "create").</summary>
public static class CreateCommand
{
    public static int Run(CommandContext ctx)
    {
        var o = ParseCreateFlags(ctx, "create", out _);
        CreateOperation.Create(new StateStore(ctx.Global.Root), o, ctx.Log.Debug, ctx.Log.Warn);
        return 0;
    }

    /// <summary>The flags create and run share; run adds --detach.</summary>
    public static CreateOptions ParseCreateFlags(CommandContext ctx, string verb, out bool detach)
    {
        string bundle = ".";
        string? pidFile = null, consoleSocket = null, id = null;
        int preserveFds = 0;
        bool noPivot = false;
        detach = false;
        var a = ctx.Args;
        while (!a.AtEnd)
        {
            if (!a.AtFlag)
            {
                if (id != null) throw new MyDockerException($"{verb}: unexpected argument \"{a.Peek}\"");
                id = a.Next();
                continue;
            }
            string name = a.NextFlag(out string? v);
            switch (name)
            {
                case "b" or "bundle": bundle = a.FlagValue(name, v); break;
                case "pid-file": pidFile = a.FlagValue(name, v); break;
                case "console-socket": consoleSocket = a.FlagValue(name, v); break;
                case "d" or "detach" when verb == "run": detach = true; break;
                case "no-pivot": noPivot = true; break;
                case "no-new-keyring" or "no-subreaper" or "keep": break; // accepted like runc; no effect here
                case "preserve-fds":
                    string n = a.FlagValue(name, v);
                    if (!int.TryParse(n, out preserveFds) || preserveFds < 0)
                        throw new MyDockerException($"{verb}: --preserve-fds \"{n}\": expected a number");
                    break;
                default: throw new MyDockerException($"{verb}: unknown flag --{name}");
            }
        }
        if (id == null) throw new MyDockerException($"{verb}: missing container ID (usage: mydocker {verb} [--bundle DIR] ID)");
        return new CreateOptions
        {
            Id = id,
            Bundle = bundle,
            PidFile = pidFile,
            ConsoleSocket = consoleSocket == null ? null : Path.GetFullPath(consoleSocket),
            PreserveFds = preserveFds,
            NoPivot = noPivot,
        };
    }
}
