using MyDocker.Spec;

namespace MyDocker.Engine.Monitor;

/// <summary>
/// The monitor's command line (built by MonitorLauncher, never typed by people):
/// `mydocker-engine monitor --id ID --dir DIR --runtime PATH --runtime-root DIR --bundle DIR
/// [--tty] [--stdin] [--exec PROCESS_JSON --exec-id EID]`.
/// </summary>
public sealed class MonitorOptions
{
    public required string Id { get; init; }
    public required string Dir { get; init; }
    public required string Runtime { get; init; }
    public required string RuntimeRoot { get; init; }
    public required string Bundle { get; init; }
    public bool Tty { get; init; }
    public bool Stdin { get; init; }
    public string? ExecProcessFile { get; init; }
    public string? ExecId { get; init; }

    public MonitorPaths Paths => new(Dir, ExecId);

    public static MonitorOptions Parse(string[] args)
    {
        string? id = null, dir = null, runtime = null, root = null, bundle = null, exec = null, execId = null;
        bool tty = false, stdin = false;
        for (int i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new MyDockerException($"monitor: {args[i]} needs a value");
            switch (args[i])
            {
                case "--id": id = Value(); break;
                case "--dir": dir = Value(); break;
                case "--runtime": runtime = Value(); break;
                case "--runtime-root": root = Value(); break;
                case "--bundle": bundle = Value(); break;
                case "--exec": exec = Value(); break;
                case "--exec-id": execId = Value(); break;
                case "--tty": tty = true; break;
                case "--stdin": stdin = true; break;
                default: throw new MyDockerException($"monitor: unknown argument {MessageText.Quote(args[i])}");
            }
        }
        if ((exec == null) != (execId == null)) throw new MyDockerException("monitor: --exec and --exec-id go together");
        if (execId != null && (execId.Length == 0 || execId.Contains('/')))
            throw new MyDockerException($"monitor: --exec-id {MessageText.Quote(execId)}: not a valid name");
        return new MonitorOptions
        {
            Id = id ?? throw Missing("--id"),
            Dir = Path.GetFullPath(dir ?? throw Missing("--dir")),
            Runtime = Path.GetFullPath(runtime ?? throw Missing("--runtime")),
            RuntimeRoot = Path.GetFullPath(root ?? throw Missing("--runtime-root")),
            Bundle = Path.GetFullPath(bundle ?? (exec != null ? "." : throw Missing("--bundle"))),
            Tty = tty,
            Stdin = stdin,
            ExecProcessFile = exec == null ? null : Path.GetFullPath(exec),
            ExecId = execId,
        };
    }

    private static MyDockerException Missing(string flag) => new($"monitor: missing {flag}");

    /// <summary>The arguments after "monitor" that reproduce these options.</summary>
    public List<string> ToArgs()
    {
        var a = new List<string> { "--id", Id, "--dir", Dir, "--runtime", Runtime, "--runtime-root", RuntimeRoot, "--bundle", Bundle };
        if (Tty) a.Add("--tty");
        if (Stdin) a.Add("--stdin");
        if (ExecProcessFile != null) a.AddRange(["--exec", ExecProcessFile, "--exec-id", ExecId!]);
        return a;
    }
}
