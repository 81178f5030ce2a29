using MyDocker.Runtime.Lifecycle;
using MyDocker.Runtime.State;

namespace MyDocker.Cli;

/// <summary>`mydocker run [-b DIR] [-d] ID`: create, start, wait; exits with the container's exit code.</summary>
public static class RunCommand
{
    public static int Run(CommandContext ctx)
    {
        var o = CreateCommand.ParseCreateFlags(ctx, "run", out bool detach);
        return RunOperation.Run(new StateStore(ctx.Global.Root), o, detach, ctx.Log.Debug, ctx.Log.Warn);
    }
}
