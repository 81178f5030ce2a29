using MyDocker.Runtime.Features;
using MyDocker.Spec;

namespace MyDocker.Cli;

/// <summary>`mydocker features`: the runtime-spec features document (features.md) as JSON.</summary>
public static class FeaturesCommand
{
    public static int Run(CommandContext ctx)
    {
        if (!ctx.Args.AtEnd) throw new MyDockerException($"features: unexpected argument \"{ctx.Args.Peek}\"");
        Console.Out.WriteLine(SpecJson.SerializeFeatures(FeaturesReport.Build(VersionCommand.InformationalVersion)));
        return 0;
    }
}
