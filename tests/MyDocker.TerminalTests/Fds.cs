using System.Diagnostics;
using System.Text;
using MyDocker.Runtime.Interop;
using MyDocker.Runtime.Terminal;

namespace MyDocker.TerminalTests;

/// <summary>Small fd helpers for the tests, straight on top of the interop layer.</summary>
internal static unsafe class Fds
{
    public static (int Read, int Write) Pipe()
    {
        int* fds = stackalloc int[2];
        Libc.Check(Libc.Pipe2(fds, Libc.O_CLOEXEC), "pipe2");
        return (fds[0], fds[1]);
    }

    public static (int A, int B) SocketPair()
    {
        int* fds = stackalloc int[2];
        Libc.Check(Libc.SocketPair(Libc.AF_UNIX, Libc.SOCK_STREAM | Libc.SOCK_CLOEXEC, 0, fds), "socketpair");
        return (fds[0], fds[1]);
    }

    public static void Close(params int[] fds)
    {
        foreach (int fd in fds)
            if (fd >= 0) Libc.Close(fd);
    }

    public static void Write(int fd, string text)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        fixed (byte* p = bytes)
        {
            nint done = 0;
            while (done < bytes.Length)
                done += Libc.Check(Libc.Write(fd, p + done, bytes.Length - done), $"write fd {fd}");
        }
    }

    /// <summary>
    /// Reads fd until `until` holds for the text so far, the end (EOF, or EIO on a pty master whose
    /// slaves are all closed), or the timeout. Returns the text either way: the caller asserts on it.
    /// </summary>
    public static string ReadUntil(int fd, Func<string, bool>? until, int timeoutMs = 10_000)
    {
        var text = new StringBuilder();
        var buf = new byte[4096];
        var clock = Stopwatch.StartNew();
        while (until == null || !until(text.ToString()))
        {
            int left = (int)(timeoutMs - clock.ElapsedMilliseconds);
            if (left <= 0) break;
            var pfd = new Libc.PollFd { Fd = fd, Events = Libc.POLLIN };
            int rc = Libc.Poll(&pfd, 1, left);
            if (rc < 0 && Libc.LastErrno == Libc.EINTR) continue;
            if (rc <= 0) break;
            nint n;
            fixed (byte* p = buf) n = Libc.Read(fd, p, buf.Length);
            if (n < 0 && Libc.LastErrno == Libc.EINTR) continue;
            if (n <= 0) break;
            text.Append(Encoding.UTF8.GetString(buf, 0, (int)n));
        }
        return text.ToString();
    }

    public static string ReadToEnd(int fd, int timeoutMs = 10_000) => ReadUntil(fd, null, timeoutMs);

    /// <summary>What /proc says fd refers to, e.g. "pipe:[1234]" or "/dev/pts/3": two fds for
    /// the same open file show the same target.</summary>
    public static string Target(int fd) => new FileInfo($"/proc/self/fd/{fd}").LinkTarget ?? "";

    public static bool IsCloseOnExec(int fd) =>
        (Libc.Check(Libc.Fcntl(fd, Libc.F_GETFD, 0), "fcntl F_GETFD") & Libc.FD_CLOEXEC) != 0;

    public static Libc.Termios GetAttr(int fd)
    {
        Libc.Termios t;
        Libc.Check(Libc.TcGetAttr(fd, &t), "tcgetattr");
        return t;
    }

    /// <summary>
    /// Starts `/bin/sh -c SCRIPT` with the pty slave as its stdin, stdout and stderr, standing in for
    /// a container process. The shell inherits the test's slave fd (so the slave is never closed
    /// between start and the shell's own open), and the test's copy is closed: once the shell
    /// exits, no slave fd is left and the master reports hang-up.
    /// </summary>
    public static Process StartOnSlave(PtyPair pty, string script)
    {
        Libc.Check(Libc.Fcntl(pty.SlaveFd, Libc.F_SETFD, 0), "fcntl F_SETFD");
        try
        {
            var psi = new ProcessStartInfo("/bin/sh")
            {
                UseShellExecute = false,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add($"exec <{pty.SlavePath} >{pty.SlavePath} 2>&1; {script}");
            return Process.Start(psi)!;
        }
        finally
        {
            Libc.Close(pty.SlaveFd);
        }
    }
}
