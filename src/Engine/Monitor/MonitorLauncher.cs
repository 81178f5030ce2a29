using System.Diagnostics;
using System.Text;
using MyDocker.Runtime.Interop;
using MyDocker.Runtime.Process;
using MyDocker.Spec;

namespace MyDocker.Engine.Monitor;

/// <summary>What the daemon asks for: a container to create (or, with ExecProcessFile, a process to exec) under a monitor.</summary>
public sealed record MonitorRequest
{
    public required string Id { get; init; }
    /// <summary>The daemon's directory for this container: the monitor's files go there (MonitorPaths).</summary>
    public required string ContainerDir { get; init; }
    /// <summary>The `mydocker` runtime binary.</summary>
    public required string RuntimePath { get; init; }
    public required string RuntimeRoot { get; init; }
    public required string Bundle { get; init; }
    public bool Tty { get; init; }
    public bool Stdin { get; init; }
    public string? ExecProcessFile { get; init; }
    public string? ExecId { get; init; }
    /// <summary>The binary with the monitor verb; by default this process's own (mydocker-engine).</summary>
    public string? MonitorBinary { get; init; }
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// The monitor's pid, a pidfd of it (the caller's to close: the monitor is the caller's child, and
/// <c>Containers/MonitorExits</c> reaps it through this pidfd), and the pid of the process it looks
/// after (init, or the exec'd process).
/// </summary>
public readonly record struct MonitorStarted(int MonitorPid, int InitPid, int MonitorPidFd);

/// <summary>
/// The daemon's side of starting a monitor: posix_spawn in a new session (so a signal to the
/// daemon's process group never reaches it), stdio on /dev/null, a status pipe as fd 3; then wait
/// for "ok PID" or "error MESSAGE". After "ok" the container is created, not started: the daemon
/// runs `mydocker start ID` itself, so attach and the log see the first byte of output.
/// The monitor is the daemon's child, reaped when it exits; if the daemon goes first, init adopts
/// it and the container carries on.
/// </summary>
public static unsafe class MonitorLauncher
{
    public static MonitorStarted Start(MonitorRequest r)
    {
        string binary = r.MonitorBinary ?? Environment.ProcessPath
            ?? throw new MyDockerException("monitor: cannot tell this program's own path");
        var paths = new MonitorPaths(r.ContainerDir, r.ExecId);
        var argv = new List<string> { binary, "monitor" };
        argv.AddRange(new MonitorOptions
        {
            Id = r.Id, Dir = paths.Dir, Runtime = r.RuntimePath, RuntimeRoot = r.RuntimeRoot, Bundle = r.Bundle,
            Tty = r.Tty, Stdin = r.Stdin, ExecProcessFile = r.ExecProcessFile, ExecId = r.ExecId,
        }.ToArgs());

        int* pipe = stackalloc int[2];
        Libc.Check(Libc.Pipe2(pipe, Libc.O_CLOEXEC), "pipe2");
        int devNull = -1;
        try
        {
            devNull = Libc.Check(Libc.Open("/dev/null", Libc.O_RDWR | Libc.O_CLOEXEC, 0), "opening /dev/null");
            int monitor = FdSpawn.Start(binary, argv, MonitorCommand.EnvironmentList(), [devNull, devNull, devNull, pipe[1]],
                newSession: true, "starting the monitor");
            Libc.Close(pipe[1]);
            pipe[1] = -1;

            string? line = ReadLine(pipe[0], r.Timeout);
            if (line != null && line.StartsWith("ok ", StringComparison.Ordinal) && int.TryParse(line.AsSpan(3), out int pid))
            {
                // Our child, not reaped yet: its pid cannot have been reused.
                int pidFd = Libc.PidfdOpen(monitor);
                if (pidFd >= 0) return new MonitorStarted(monitor, pid, pidFd);
                var e = Libc.Fail("pidfd_open of the monitor");
                Reap(monitor, kill: true);
                throw e;
            }
            // The monitor failed (it exits after its report) or hangs: it goes, and is reaped, now.
            Reap(monitor, kill: line == null || !line.StartsWith("error ", StringComparison.Ordinal));
            if (line == null) throw new MyDockerException($"monitor of {MessageText.Quote(r.Id)}: no report within {r.Timeout.TotalSeconds:0} s");
            if (line.StartsWith("error ", StringComparison.Ordinal)) throw new MyDockerException(line[6..]);
            throw new MyDockerException(line.Length == 0
                ? $"monitor of {MessageText.Quote(r.Id)}: exited without a report"
                : $"monitor of {MessageText.Quote(r.Id)}: unexpected report {MessageText.Quote(line)}");
        }
        finally
        {
            Libc.Close(pipe[0]);
            if (pipe[1] >= 0) Libc.Close(pipe[1]);
            if (devNull >= 0) Libc.Close(devNull);
        }
    }

    /// <summary>The first line on fd; "" at end-of-file without one; null on timeout.</summary>
    private static string? ReadLine(int fd, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        var bytes = new List<byte>();
        byte* buffer = stackalloc byte[512];
        while (true)
        {
            int left = (int)Math.Max(0, timeout.TotalMilliseconds - clock.ElapsedMilliseconds);
            var pfd = new Libc.PollFd { Fd = fd, Events = Libc.POLLIN };
            int rc = Libc.Poll(&pfd, 1, left);
            if (rc < 0 && Libc.LastErrno == Libc.EINTR) continue;
            if (rc < 0) throw Libc.Fail("monitor: poll");
            if (rc == 0) return null;
            nint n = Libc.Read(fd, buffer, 512);
            if (n < 0 && Libc.LastErrno == Libc.EINTR) continue;
            if (n <= 0) return Encoding.UTF8.GetString(bytes.ToArray()).TrimEnd('\n');
            for (int i = 0; i < n; i++)
            {
                if (buffer[i] == '\n') return Encoding.UTF8.GetString(bytes.ToArray());
                bytes.Add(buffer[i]);
            }
        }
    }

    /// <summary>Waits for the monitor to exit (after SIGKILL if <paramref name="kill"/>) and reaps it.</summary>
    private static void Reap(int pid, bool kill)
    {
        if (kill) Libc.Kill(pid, 9);
        int status;
        while (Libc.WaitPid(pid, &status, 0) < 0 && Libc.LastErrno == Libc.EINTR) { }
    }
}
