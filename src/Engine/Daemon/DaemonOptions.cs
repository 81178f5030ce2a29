using MyDocker.Spec;

namespace MyDocker.Engine.Daemon;

/// <summary>
/// `mydocker daemon [--socket PATH] [--data-root DIR] [--group NAME] [--log FILE] [--runtime PATH]
/// [--runtime-root DIR] [--allow-host-access]`, as root.
/// </summary>
public sealed class DaemonOptions
{
    public const string DefaultSocket = "/run/mydocker/mydocker.sock";
    public const string DefaultDataRoot = "/var/lib/mydocker";
    public const string DefaultGroup = "mydocker";
    /// <summary>The runtime's --root for the engine's containers: apart from /run/mydocker, where `mydocker run` by hand keeps its own.</summary>
    public const string DefaultRuntimeRoot = "/run/mydocker-engine";

    public string Socket { get; set; } = DefaultSocket;
    public string DataRoot { get; set; } = DefaultDataRoot;
    public string Group { get; set; } = DefaultGroup;
    public string? LogFile { get; set; }
    /// <summary>The `mydocker` runtime binary: by default the one beside `mydocker-engine`.</summary>
    public string Runtime { get; set; } = Path.Combine(AppContext.BaseDirectory, "mydocker");
    public string RuntimeRoot { get; set; } = DefaultRuntimeRoot;
    /// <summary>Lets clients that are not root use --userns host, --privileged and any bind mount (Docker's behaviour).</summary>
    public bool AllowHostAccess { get; set; }

    public static DaemonOptions Parse(string[] args)
    {
        var o = new DaemonOptions();
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            string name = a.TrimStart('-');
            string? inline = null;
            int eq = name.IndexOf('=');
            if (eq >= 0) { inline = name[(eq + 1)..]; name = name[..eq]; }
            string Value()
            {
                string v = inline ?? (i + 1 < args.Length ? args[++i] : throw new MyDockerException($"daemon: flag --{name} needs a value"));
                return v.Length > 0 ? v : throw new MyDockerException($"daemon: flag --{name} needs a non-empty value");
            }
            if (!a.StartsWith('-')) throw new MyDockerException($"daemon: unexpected argument {MessageText.Quote(a)}");
            switch (name)
            {
                case "socket" or "H" or "host": o.Socket = StripUnix(Value()); break;
                case "data-root": o.DataRoot = Path.GetFullPath(Value()); break;
                case "group": o.Group = Value(); break;
                case "log": o.LogFile = Path.GetFullPath(Value()); break;
                case "runtime": o.Runtime = Path.GetFullPath(Value()); break;
                case "runtime-root": o.RuntimeRoot = Path.GetFullPath(Value()); break;
                case "allow-host-access": o.AllowHostAccess = true; break;
                case "help" or "h":
                    throw new MyDockerException("usage: mydocker daemon [--socket PATH] [--data-root DIR] [--group NAME] [--log FILE] [--runtime PATH] [--runtime-root DIR] [--allow-host-access]");
                default: throw new MyDockerException($"daemon: unknown flag --{name}");
            }
        }
        return o;
    }

    private static string StripUnix(string s) => Path.GetFullPath(s.StartsWith("unix://", StringComparison.Ordinal) ? s[7..] : s);
}
