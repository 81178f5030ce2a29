using System.Text;
using MyDocker.Runtime.Interop;
using MyDocker.Runtime.Process;
using MyDocker.Spec;

namespace MyDocker.Engine.Containers;

/// <summary>
/// The daemon never clones: every container operation is a run of the `mydocker` runtime binary with
/// the engine's own --root, as containerd runs runc. A failure becomes one exception whose message is
/// the runtime's own error line (without its "mydocker: " prefix); the API answers it as a 500.
/// Only stdin, stdout and stderr cross into the runtime: every other descriptor of the daemon
/// (sockets, files) is close-on-exec.
/// </summary>
public sealed unsafe class RuntimeCli(string binary, string root, Action<string>? log = null)
{
    public string Binary { get; } = binary;
    public string Root { get; } = root;

    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        /// <summary>The runtime's last error line, "mydocker: " removed.</summary>
        public string ErrorLine
        {
            get
            {
                string line = Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? $"exited with status {ExitCode}";
                return line.StartsWith("mydocker: ", StringComparison.Ordinal) ? line[10..] : line;
            }
        }
    }

    /// <summary>Runs `mydocker --root ROOT args...`; a non-zero exit throws with the runtime's error line.</summary>
    public string Run(params string[] args)
    {
        var r = TryRun(args);
        if (r.ExitCode != 0) throw new MyDockerException(r.ErrorLine);
        return r.Stdout;
    }

    public Result TryRun(params string[] args) => TryRun(args, stdin: null);

    /// <summary>
    /// `mydocker delete --force ID` when the runtime has a state directory for the container; nothing
    /// otherwise (a run of the runtime costs milliseconds, and most of the time there is nothing to delete).
    /// </summary>
    public void DeleteIfPresent(string id)
    {
        if (Directory.Exists(Path.Combine(Root, id))) TryRun("delete", "--force", id);
    }

    public Result TryRun(string[] args, string? stdin)
    {
        string[] argv = ["mydocker", "--root", Root, .. args];
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        int* outPipe = stackalloc int[2];
        int* errPipe = stackalloc int[2];
        int* inPipe = stackalloc int[2];
        Libc.Check(Libc.Pipe2(outPipe, Libc.O_CLOEXEC), "pipe2");
        Libc.Check(Libc.Pipe2(errPipe, Libc.O_CLOEXEC), "pipe2");
        Libc.Check(Libc.Pipe2(inPipe, Libc.O_CLOEXEC), "pipe2");
        int pid;
        try
        {
            pid = FdSpawn.Start(Binary, argv, ["PATH=" + BundleBuilder.DefaultPath], [inPipe[0], outPipe[1], errPipe[1]], newSession: false, "runtime");
        }
        finally
        {
            Libc.Close(inPipe[0]);
            Libc.Close(outPipe[1]);
            Libc.Close(errPipe[1]);
        }
        int outFd = outPipe[0], errFd = errPipe[0], inFd = inPipe[1];
        var stdout = Task.Run(() => ReadAll(outFd));
        var stderr = Task.Run(() => ReadAll(errFd));
        if (stdin != null) WriteAll(inFd, Encoding.UTF8.GetBytes(stdin));
        Libc.Close(inFd);
        string o = stdout.GetAwaiter().GetResult(), e = stderr.GetAwaiter().GetResult();
        int status;
        while (Libc.WaitPid(pid, &status, 0) < 0 && Libc.LastErrno == Libc.EINTR) { }
        int code = (status & 0x7f) != 0 ? 128 + (status & 0x7f) : (status >> 8) & 0xff;
        log?.Invoke($"runtime: mydocker {string.Join(' ', args.Select(Shorten))} -> exit {code}, " +
                    $"{System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds:0.0} ms");
        return new Result(code, o, e);
    }

    /// <summary>A container id in a log line: its first 12 characters, as Docker shows it.</summary>
    private static string Shorten(string arg) => arg.Length == 64 && arg.All(char.IsAsciiHexDigitLower) ? arg[..12] : arg;

    private static string ReadAll(int fd)
    {
        try { return HostCommand.ReadAll(fd, "runtime"); }
        finally { Libc.Close(fd); }
    }

    private static void WriteAll(int fd, byte[] bytes)
    {
        fixed (byte* p = bytes)
            for (int off = 0; off < bytes.Length;)
            {
                nint n = Libc.Write(fd, p + off, bytes.Length - off);
                if (n < 0 && Libc.LastErrno == Libc.EINTR) continue;
                if (n <= 0) return;
                off += (int)n;
            }
    }
}
