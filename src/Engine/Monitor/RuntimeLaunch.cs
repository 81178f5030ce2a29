using System.Collections;
using System.Text;
using MyDocker.Runtime.Interop;
using MyDocker.Runtime.Process;
using MyDocker.Runtime.Terminal;
using MyDocker.Spec;

namespace MyDocker.Engine.Monitor;

/// <summary>The process the monitor looks after, and the monitor's ends of its stdio.</summary>
public sealed class LaunchedProcess
{
    public int Pid { get; init; }
    /// <summary>Where stdin goes: the stdin pipe's write end, or the pty master; -1 without --stdin.</summary>
    public int StdinFd { get; init; } = -1;
    /// <summary>The stdout pipe's read end, or the pty master (a tty has one stream).</summary>
    public int StdoutFd { get; init; } = -1;
    public int StderrFd { get; init; } = -1;
    /// <summary>The pty master with --tty (also StdoutFd), for resizes; -1 otherwise.</summary>
    public int PtyMaster { get; init; } = -1;
    /// <summary>An exec'd process starts at once: what it wrote on stderr while the runtime still ran.</summary>
    public byte[] EarlyStderr { get; init; } = [];
}

/// <summary>
/// Runs `mydocker create` (or `mydocker exec --detach`) with the container's stdio and waits for it.
/// Without a tty, stdio are pipes (stdin: a pipe with --stdin, else /dev/null) that init inherits.
/// With a tty, the runtime sends the pty master over DIR/console.sock (ConsoleSocket's protocol),
/// and its own output goes to a pipe of its own.
/// Either way the runtime's stderr is read here: when it fails, its last line is the error.
/// </summary>
public static unsafe class RuntimeLaunch
{
    public static LaunchedProcess Run(MonitorOptions o)
    {
        var paths = o.Paths;
        File.Delete(paths.ProcessPidFile);
        var toClose = new List<int>();
        var ours = new List<int>(); // closed only on failure
        try
        {
            int devNull = Libc.Check(Libc.Open("/dev/null", Libc.O_RDWR | Libc.O_CLOEXEC, 0), "opening /dev/null");
            toClose.Add(devNull);
            int[] childFds;
            int messages; // where the runtime's stderr is read
            int stdinWrite = -1, stdoutRead = -1, stderrRead = -1, listener = -1;
            if (!o.Tty)
            {
                int stdinRead = devNull;
                if (o.Stdin)
                {
                    (stdinRead, stdinWrite) = Pipe(toClose, ours);
                }
                (stdoutRead, int stdoutWrite) = Pipe(ours, toClose);
                (stderrRead, int stderrWrite) = Pipe(ours, toClose);
                childFds = [stdinRead, stdoutWrite, stderrWrite];
                messages = stderrRead;
            }
            else
            {
                (messages, int messagesWrite) = Pipe(toClose, toClose);
                childFds = [devNull, messagesWrite, messagesWrite];
                listener = ListenConsole(paths.ConsoleSocket);
                toClose.Add(listener);
            }

            var argv = RuntimeArgs(o, paths);
            int runtimePid = FdSpawn.Start(o.Runtime, argv, Environment(), childFds, newSession: false, $"running {o.Runtime}");
            // Only the child keeps its ends: a pipe ends when all writers are gone.
            foreach (int fd in childFds) if (fd != devNull) CloseFrom(toClose, fd);

            var (status, stderrBytes, master) = WaitForRuntime(runtimePid, messages, listener, paths.ConsoleSocket);
            if (master >= 0) ours.Add(master);
            if (listener >= 0) File.Delete(paths.ConsoleSocket);

            if (status != 0)
                throw new MyDockerException(FailureLine(o, status, stderrBytes));
            if (o.Tty && master < 0)
                throw new MyDockerException($"{o.Runtime} did not send the terminal to {paths.ConsoleSocket}");
            int pid = ReadPid(paths.ProcessPidFile);
            foreach (int fd in ours) SetNonBlocking(fd);
            ours.Clear(); // success: the caller owns them now
            return new LaunchedProcess
            {
                Pid = pid,
                StdinFd = o.Tty ? (o.Stdin ? master : -1) : stdinWrite,
                StdoutFd = o.Tty ? master : stdoutRead,
                StderrFd = stderrRead,
                PtyMaster = master,
                EarlyStderr = o.ExecId != null && !o.Tty ? stderrBytes : [],
            };
        }
        finally
        {
            foreach (int fd in toClose) Libc.Close(fd);
            foreach (int fd in ours) Libc.Close(fd);
        }
    }

    private static List<string> RuntimeArgs(MonitorOptions o, MonitorPaths paths)
    {
        var a = new List<string> { o.Runtime, "--root", o.RuntimeRoot };
        if (o.ExecProcessFile == null)
        {
            a.AddRange(["create", "--bundle", o.Bundle, "--pid-file", paths.ProcessPidFile]);
            if (o.Tty) a.AddRange(["--console-socket", paths.ConsoleSocket]);
        }
        else
        {
            a.AddRange(["exec", "--detach", "--pid-file", paths.ProcessPidFile, "--process", o.ExecProcessFile]);
            if (o.Tty) a.AddRange(["--tty", "--console-socket", paths.ConsoleSocket]);
        }
        a.Add(o.Id);
        return a;
    }

    /// <summary>
    /// Waits for the runtime to exit, reading its stderr all the while (init keeps the pipe open, so
    /// end-of-file never comes) and, with a tty, receiving the pty master it sends.
    /// </summary>
    private static (int Status, byte[] Stderr, int Master) WaitForRuntime(int pid, int messages, int listener, string socketPath)
    {
        int pidfd = Libc.PidfdOpen(pid);
        if (pidfd < 0) throw Libc.Fail("pidfd_open");
        var stderr = new MemoryStream();
        int conn = -1, master = -1;
        var buffer = new byte[8192];
        try
        {
            SetNonBlocking(messages);
            var pfds = new Libc.PollFd[3];
            bool messagesOpen = true;
            while (true)
            {
                int n = 0;
                pfds[n++] = new Libc.PollFd { Fd = pidfd, Events = Libc.POLLIN };
                // After end-of-file a pipe stays "readable" for ever: stop asking (-1 is skipped by poll).
                pfds[n++] = new Libc.PollFd { Fd = messagesOpen ? messages : -1, Events = Libc.POLLIN };
                if (master < 0 && (conn >= 0 || listener >= 0))
                    pfds[n++] = new Libc.PollFd { Fd = conn >= 0 ? conn : listener, Events = Libc.POLLIN };
                int rc;
                fixed (Libc.PollFd* p = pfds) rc = Libc.Poll(p, (nuint)n, -1);
                if (rc < 0 && Libc.LastErrno != Libc.EINTR) throw Libc.Fail("poll");
                if (messagesOpen && !ReadAvailable(messages, buffer, stderr)) messagesOpen = false;
                if (n == 3 && pfds[2].Revents != 0)
                {
                    if (conn < 0)
                    {
                        conn = Libc.Accept4(listener, null, null, Libc.SOCK_CLOEXEC);
                    }
                    else
                    {
                        try { master = ConsoleSocket.ReceiveFd(conn); }
                        catch (MyDockerException) { } // reported below as "did not send the terminal"
                        Libc.Close(conn);
                        conn = -1;
                    }
                }
                if ((pfds[0].Revents & Libc.POLLIN) != 0) break;
            }
            int status;
            while (Libc.WaitPid(pid, &status, 0) < 0)
                if (Libc.LastErrno != Libc.EINTR) throw Libc.Fail("waitpid");
            ReadAvailable(messages, buffer, stderr); // what it wrote just before exiting
            return (status, stderr.ToArray(), master);
        }
        finally
        {
            Libc.Close(pidfd);
            if (conn >= 0) Libc.Close(conn);
        }
    }

    /// <summary>Reads what is there; false at end-of-file (no writer left).</summary>
    private static bool ReadAvailable(int fd, byte[] buffer, MemoryStream into)
    {
        while (true)
        {
            nint n;
            fixed (byte* p = buffer) n = Libc.Read(fd, p, buffer.Length);
            if (n < 0 && Libc.LastErrno == Libc.EINTR) continue;
            if (n == 0) return false;
            if (n < 0) return true; // EAGAIN: nothing more for now
            if (into.Length < 1 << 20) into.Write(buffer, 0, (int)n);
        }
    }

    /// <summary>The runtime's own last line ("mydocker: " dropped: the engine adds its prefix), or how it ended.</summary>
    private static string FailureLine(MonitorOptions o, int status, byte[] stderr)
    {
        string? last = Encoding.UTF8.GetString(stderr)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .LastOrDefault();
        if (last != null) return last.StartsWith("mydocker: ", StringComparison.Ordinal) ? last["mydocker: ".Length..] : last;
        string verb = o.ExecProcessFile == null ? "create" : "exec";
        return (status & 0x7f) != 0
            ? $"{o.Runtime} {verb}: killed by signal {status & 0x7f}"
            : $"{o.Runtime} {verb}: exit status {(status >> 8) & 0xff}";
    }

    private static int ReadPid(string path)
    {
        string text;
        try { text = File.ReadAllText(path).Trim(); }
        catch (Exception e) { throw ErrorText.Wrap($"reading the pid file {path}", e); }
        if (!int.TryParse(text, out int pid) || pid <= 0)
            throw new MyDockerException($"{path}: not a pid: {MessageText.Quote(text)}");
        return pid;
    }

    private static int ListenConsole(string path)
    {
        File.Delete(path);
        int fd = Libc.Check(Libc.Socket(Libc.AF_UNIX, Libc.SOCK_STREAM | Libc.SOCK_CLOEXEC, 0), "socket");
        try
        {
            MonitorSocket.Bind(fd, path);
            Libc.Check(Libc.Listen(fd, 1), $"listen {path}");
            return fd;
        }
        catch
        {
            Libc.Close(fd);
            throw;
        }
    }

    private static (int Read, int Write) Pipe(List<int> readOwner, List<int> writeOwner)
    {
        int* p = stackalloc int[2];
        Libc.Check(Libc.Pipe2(p, Libc.O_CLOEXEC), "pipe2");
        readOwner.Add(p[0]);
        writeOwner.Add(p[1]);
        return (p[0], p[1]);
    }

    private static void CloseFrom(List<int> list, int fd)
    {
        if (list.Remove(fd)) Libc.Close(fd);
    }

    internal static void SetNonBlocking(int fd)
    {
        int flags = Libc.Fcntl(fd, Libc.F_GETFL, 0);
        if (flags >= 0) Libc.Fcntl(fd, Libc.F_SETFL, flags | Libc.O_NONBLOCK);
    }

    private static List<string> Environment()
    {
        var env = new List<string>();
        foreach (DictionaryEntry e in System.Environment.GetEnvironmentVariables()) env.Add($"{e.Key}={e.Value}");
        return env;
    }
}
