using MyDocker.Runtime.Interop;
using MyDocker.Spec;

namespace MyDocker.Cli;

/// <summary>`mydocker spec [--rootless] [--bundle DIR]`: write a default config.json, like `runc spec`.</summary>
public static class SpecCommand
{
    public static int Run(CommandContext ctx)
    {
        bool rootless = false;
        string bundle = ".";
        var a = ctx.Args;
        while (!a.AtEnd)
        {
            if (!a.AtFlag) throw new MyDockerException($"spec: unexpected argument \"{a.Peek}\"");
            string name = a.NextFlag(out string? v);
            switch (name)
            {
                case "rootless": rootless = true; break;
                case "b" or "bundle": bundle = a.FlagValue(name, v); break;
                default: throw new MyDockerException($"spec: unknown flag --{name}");
            }
        }
        string file = Path.Combine(bundle, ConfigLoader.FileName);
        if (File.Exists(file)) throw new MyDockerException($"spec: {file} already exists (remove it first)");
        var config = DefaultSpec.Create(rootless, Libc.GetUid(), Libc.GetGid());
        ErrorText.Io($"spec: writing {file}", () => File.WriteAllText(file, SpecJson.SerializeConfig(config) + "\n"));
        return 0;
    }
}
