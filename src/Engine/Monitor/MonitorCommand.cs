using System.Collections;
using System.Text;
using MyDocker.Runtime.Interop;
using MyDocker.Runtime.Process;
using MyDocker.Runtime.State;
using MyDocker.Spec;

namespace MyDocker.Engine.Monitor;

/// <summary>
/// `mydocker-engine monitor ...`: the per-container monitor (podman's conmon, containerd's shim).
/// It runs `mydocker create` (or `exec --detach`), holds the container's stdio or pty master, writes
/// the log, serves attach connections, and writes the exit code down, so the container does not
/// depend on the daemon: the daemon may die and come back, the monitor carries on.
///
/// Started by MonitorLauncher with stdio on /dev/null and fd 3 the write end of a status pipe, on
/// which it reports one line: "ok PID" (the process's pid) or "error MESSAGE".
///
/// It is the daemon's child, in a session of its own; when the daemon goes, init adopts it and the
/// container carries on.
/// </summary>
public static unsafe class MonitorCommand
{
    private const int StatusFd = 3;

    public static int Run(string[] args)
    {
        var o = MonitorOptions.Parse(args);
        if (Libc.Fcntl(StatusFd, Libc.F_GETFD, 0) < 0)
            throw new MyDockerException("monitor: fd 3 (the status pipe) is not open: the daemon starts this command, not people");
        return RunMonitor(o);
    }

    private static int RunMonitor(MonitorOptions o)
    {
        // Nothing we hold may leak into the runtime or the container: the status pipe included.
        Libc.CloseRangeCloexec(StatusFd);
        var paths = o.Paths;
        bool logExisted = File.Exists(paths.Log);
        int listenFd = -1;
        LogWriter? log = null;
        LaunchedProcess process;
        try
        {
            // The container's init is a child of `mydocker create`, which exits: as a subreaper we
            // adopt it, and waitpid() gives us its real exit status.
            Libc.Check(Libc.Prctl(Libc.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0), "prctl(PR_SET_CHILD_SUBREAPER)");
            AtomicFile.Write(paths.MonitorPidFile, Encoding.ASCII.GetBytes(Environment.ProcessId.ToString()), durable: false);
            listenFd = MonitorSocket.Listen(paths.AttachSocket, 16);
            log = new LogWriter(paths.Log);
            process = RuntimeLaunch.Run(o);
        }
        catch (Exception e)
        {
            log?.Dispose();
            if (listenFd >= 0) Libc.Close(listenFd);
            // Nothing left behind: the runtime removed what it made, we remove ours.
            TryDelete(paths.AttachSocket);
            TryDelete(paths.ConsoleSocket);
            TryDelete(paths.MonitorPidFile);
            if (!logExisted) TryDelete(paths.Log);
            Report("error " + ErrorText.Of(e));
            return 1;
        }

        Report($"ok {process.Pid}");
        Libc.Close(StatusFd); // the launcher's read ends here
        try
        {
            new MonitorLoop(process, paths, listenFd, log, replayToFirstClient: o.ExecId != null).Run();
        }
        finally
        {
            TryDelete(paths.AttachSocket);
            log.Dispose();
        }
        return 0;
    }

    private static void Report(string line)
    {
        // One line: the launcher reads up to the newline.
        byte[] bytes = Encoding.UTF8.GetBytes(line.Replace('\n', ' ') + "\n");
        fixed (byte* p = bytes)
        {
            int off = 0;
            while (off < bytes.Length)
            {
                nint n = Libc.Write(StatusFd, p + off, bytes.Length - off);
                if (n < 0 && Libc.LastErrno == Libc.EINTR) continue;
                if (n <= 0) return; // the launcher gave up on us (timeout): nobody to tell
                off += (int)n;
            }
        }
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    internal static List<string> EnvironmentList()
    {
        var env = new List<string>();
        foreach (DictionaryEntry e in Environment.GetEnvironmentVariables()) env.Add($"{e.Key}={e.Value}");
        return env;
    }
}
