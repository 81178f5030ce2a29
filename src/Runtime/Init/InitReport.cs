using System.Text;
using MyDocker.Runtime.Interop;

namespace MyDocker.Runtime.Init;

/// <summary>
/// Where init reports a failure after "ready", when nobody waits on the SyncChannel for it any more:
/// to the process that released it and now waits for the program to start. That is `start`, reading
/// exec.fifo (a container's first process), or the runtime of `mydocker exec`, on the SyncChannel as an
/// "error" line. Both see the descriptor close when execve succeeds (close-on-exec), or the line first.
/// Only when the line cannot be delivered does it go to init's stderr (the container's), so `run`
/// prints it once, as its own error.
///
/// <see cref="FailRaw"/> allocates nothing, for init's last step: after the rlimits, a small
/// RLIMIT_AS leaves the .NET runtime no room for a string.
/// </summary>
public sealed unsafe class InitReport
{
    private const int LineMax = 2048;
    private readonly int _fd;
    private readonly byte[] _frame;                                                 // before the text on _fd
    private readonly byte[] _stderrFrame = Encoding.ASCII.GetBytes("mydocker: init: "); // before it on stderr

    private InitReport(int fd, string frame)
    {
        _fd = fd;
        _frame = Encoding.ASCII.GetBytes(frame);
    }

    /// <summary>To `start`, on init's end of exec.fifo: the bare line.</summary>
    public static InitReport ToStart(int fifoFd) => new(fifoFd, "");

    /// <summary>To the runtime of `mydocker exec`, on the SyncChannel: "error &lt;text&gt;".</summary>
    public static InitReport ToExec(int channelFd) => new(channelFd, Process.SyncChannel.ErrorPrefix);

    /// <summary>Nobody to tell: the container's stderr.</summary>
    public static InitReport StderrOnly { get; } = new(-1, "");

    /// <summary>Reports <paramref name="message"/>; returns init's exit status (127).</summary>
    public int Fail(string message)
    {
        byte[] text = Encoding.UTF8.GetBytes(message.Replace('\n', ' ') + "\0");
        fixed (byte* t = text) Say(t, null);
        return 127;
    }

    /// <summary>Reports "&lt;what&gt;&lt;strerror(errno)&gt;" and exits with 127. Allocates nothing.</summary>
    /// <param name="what">a NUL-terminated start of the line, prepared in advance</param>
    public void FailRaw(byte* what, int errno)
    {
        Say(what, Libc.Child.StrError(errno));
        Libc.Child.Exit(127);
    }

    private void Say(byte* what, byte* detail)
    {
        // Nobody reading any more must not kill us with SIGPIPE (FinalExec reset it to the default).
        Libc.Child.Signal(13 /* SIGPIPE */, 1 /* SIG_IGN */);
        byte* line = stackalloc byte[LineMax];
        int n;
        fixed (byte* frame = _frame) n = Line(line, frame, _frame.Length, what, detail);
        if (_fd >= 0 && WriteAll(_fd, line, n)) return;
        fixed (byte* frame = _stderrFrame) n = Line(line, frame, _stderrFrame.Length, what, detail);
        WriteAll(2, line, n);
    }

    /// <summary>frame + what + detail + "\n" into one buffer, for one write (cut at <see cref="LineMax"/>).</summary>
    private static int Line(byte* line, byte* frame, int frameLength, byte* what, byte* detail)
    {
        int n = 0;
        for (int i = 0; i < frameLength && n < LineMax - 1; i++) line[n++] = frame[i];
        for (byte* p = what; p != null && *p != 0 && n < LineMax - 1; p++) line[n++] = *p;
        for (byte* p = detail; p != null && *p != 0 && n < LineMax - 1; p++) line[n++] = *p;
        line[n++] = (byte)'\n';
        return n;
    }

    private static bool WriteAll(int fd, byte* p, int n)
    {
        while (n > 0)
        {
            nint w = Libc.Child.Write(fd, p, n);
            if (w < 0 && *Libc.Child.ErrnoLocation() == Libc.EINTR) continue;
            if (w <= 0) return false;
            p += w;
            n -= (int)w;
        }
        return true;
    }
}
