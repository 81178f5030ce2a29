using MyDocker.Spec;

namespace MyDocker.Cli;

/// <summary>The options runc accepts before the command name (runc --root R --log F ... create ...).</summary>
public sealed class GlobalOptions
{
    public string Root { get; private set; } = DefaultRoot();

    /// <summary>
    /// Root's state lives in /run/mydocker. Another user's in $XDG_RUNTIME_DIR/mydocker, as rootless
    /// runc's does ($XDG_RUNTIME_DIR/runc): a directory of that user's own, gone at logout.
    /// </summary>
    private static string DefaultRoot() => MyDocker.Runtime.State.RunDirectory.For("mydocker");

    public string? LogPath { get; private set; }
    public string LogFormat { get; private set; } = "text";
    public bool Debug { get; private set; }
    public bool SystemdCgroup { get; private set; }
    public bool ShowVersion { get; private set; }
    public bool ShowHelp { get; private set; }

    public static GlobalOptions Parse(ArgReader args)
    {
        var o = new GlobalOptions();
        while (args.AtFlag)
        {
            string name = args.NextFlag(out string? value);
            switch (name)
            {
                case "root": o.Root = args.FlagValue(name, value); break;
                case "log": o.LogPath = args.FlagValue(name, value); break;
                case "log-format":
                    o.LogFormat = args.FlagValue(name, value);
                    if (o.LogFormat is not ("text" or "json"))
                        throw new MyDockerException($"--log-format: unknown format \"{o.LogFormat}\" (want text or json)");
                    break;
                case "debug": o.Debug = true; break;
                case "systemd-cgroup": o.SystemdCgroup = true; break;
                case "rootless": args.FlagValue(name, value); break; // accepted like runc; we decide from the uid
                case "criu": args.FlagValue(name, value); break;     // accepted like runc; checkpointing is not supported
                case "v" or "version": o.ShowVersion = true; break;
                case "h" or "help": o.ShowHelp = true; break;
                default: throw new MyDockerException($"unknown global flag --{name}");
            }
        }
        return o;
    }
}
