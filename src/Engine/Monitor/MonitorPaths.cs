namespace MyDocker.Engine.Monitor;

/// <summary>
/// The files a monitor keeps in its container's directory. The daemon and the monitor agree on these
/// names, so the daemon can find the log, the attach socket and the exit code again after a restart.
/// A monitor of an exec'd process (ExecId set) uses names with "exec-EID" so it never touches the
/// container's own files.
/// </summary>
public sealed class MonitorPaths
{
    public string Dir { get; }
    public string? ExecId { get; }

    public MonitorPaths(string dir, string? execId = null)
    {
        Dir = Path.GetFullPath(dir);
        ExecId = execId;
    }

    private string Name(string container, string exec) =>
        Path.Combine(Dir, ExecId == null ? container : $"exec-{ExecId}{exec}");

    /// <summary>The pid the runtime writes (--pid-file): init's, or the exec'd process's.</summary>
    public string ProcessPidFile => Name("init.pid", ".pid");

    /// <summary>Docker's json-file log: one JSON object per line.</summary>
    public string Log => Name("container.log", ".log");

    /// <summary>The attach socket (AttachProtocol).</summary>
    public string AttachSocket => Name("attach.sock", ".sock");

    /// <summary>Written once the process has exited and its output is drained (ExitFile).</summary>
    public string ExitFile => Name("exit.json", ".exit.json");

    /// <summary>The monitor's own pid.</summary>
    public string MonitorPidFile => Name("monitor.pid", ".monitor.pid");

    /// <summary>Where the runtime sends the pty master (--console-socket); removed once received.</summary>
    public string ConsoleSocket => Name("console.sock", ".console.sock");
}
