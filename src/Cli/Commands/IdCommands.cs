using MyDocker.Runtime.Lifecycle;
using MyDocker.Runtime.State;
using MyDocker.Spec;

namespace MyDocker.Cli;

/// <summary>Reading "[flags] ID" for the verbs that act on one container.</summary>
internal static class IdArgs
{
    public static string Single(CommandContext ctx, string verb, Action<string, string?>? flag = null)
    {
        string? id = null;
        var a = ctx.Args;
        var positionals = new List<string>();
        while (!a.AtEnd)
        {
            if (!a.AtFlag) { positionals.Add(a.Next()); continue; }
            string name = a.NextFlag(out string? v);
            if (flag == null) throw new MyDockerException($"{verb}: unknown flag --{name}");
            flag(name, v);
        }
        if (positionals.Count == 0) throw new MyDockerException($"{verb}: missing container ID");
        id = positionals[0];
        Extra = positionals.Skip(1).ToList();
        return id;
    }

    /// <summary>Positional arguments after the ID (kill's signal).</summary>
    public static List<string> Extra { get; private set; } = new();
}

/// <summary>`mydocker start ID`.</summary>
public static class StartCommand
{
    public static int Run(CommandContext ctx)
    {
        string id = IdArgs.Single(ctx, "start");
        StartOperation.Start(new StateStore(ctx.Global.Root), id, ctx.Log.Warn);
        return 0;
    }
}

/// <summary>`mydocker state ID`: the runtime-spec state JSON.</summary>
public static class StateCommand
{
    public static int Run(CommandContext ctx)
    {
        string id = IdArgs.Single(ctx, "state");
        var state = StateQuery.Of(new StateStore(ctx.Global.Root), id);
        MyDocker.Runtime.Process.StdStream.Out(SpecJson.SerializeState(state, indented: true) + "\n");
        return 0;
    }
}

/// <summary>`mydocker kill [--all] ID [SIGNAL]` (default SIGTERM; names or numbers).</summary>
public static class KillCommand
{
    public static int Run(CommandContext ctx)
    {
        bool all = false;
        string id = IdArgs.Single(ctx, "kill", (name, _) =>
        {
            if (name is "a" or "all") all = true;
            else throw new MyDockerException($"kill: unknown flag --{name}");
        });
        int signal = IdArgs.Extra.Count > 0 ? Signals.Parse(IdArgs.Extra[0]) : Signals.SIGTERM;
        KillOperation.Kill(new StateStore(ctx.Global.Root), id, signal, all);
        return 0;
    }
}

/// <summary>`mydocker delete [--force] ID`.</summary>
public static class DeleteCommand
{
    public static int Run(CommandContext ctx)
    {
        bool force = false;
        string id = IdArgs.Single(ctx, "delete", (name, _) =>
        {
            if (name is "f" or "force") force = true;
            else throw new MyDockerException($"delete: unknown flag --{name}");
        });
        DeleteOperation.Delete(new StateStore(ctx.Global.Root), id, force, ctx.Log.Warn);
        return 0;
    }
}

/// <summary>`mydocker pause ID`: freeze every process of the container (cgroup freezer).</summary>
public static class PauseCommand
{
    public static int Run(CommandContext ctx)
    {
        string id = IdArgs.Single(ctx, "pause");
        PauseOperation.Pause(new StateStore(ctx.Global.Root), id);
        return 0;
    }
}

/// <summary>`mydocker resume ID`: thaw a paused container.</summary>
public static class ResumeCommand
{
    public static int Run(CommandContext ctx)
    {
        string id = IdArgs.Single(ctx, "resume");
        PauseOperation.Resume(new StateStore(ctx.Global.Root), id);
        return 0;
    }
}
