using System.Runtime.InteropServices;
using MyDocker.Runtime.Interop;
using MyDocker.Spec;

namespace MyDocker.Runtime.Terminal;

/// <summary>
/// Connects the user's terminal to a container's pty master, the way `docker run -it` feels:
/// keystrokes go to the container, its output comes back, and window resizes follow along.
/// The container's pty does all the terminal work (echo, line editing, ^C -> SIGINT), so the
/// user's own terminal is put in raw mode: it must pass every byte through untouched, or each
/// keystroke would be echoed and edited twice.
/// </summary>
public static unsafe class TerminalForwarder
{
    private const int BufferSize = 32 * 1024;

    /// <summary>Forwards between stdin/stdout and masterFd until the container side is gone.</summary>
    public static void Run(int masterFd) => Run(masterFd, inputFd: 0, outputFd: 1, sendEofOnInputEnd: true);

    /// <summary>
    /// Blocks while forwarding inputFd -> masterFd and masterFd -> outputFd. Returns once every
    /// slave fd is closed (the container's processes exited: reading the master fails with EIO)
    /// and all output has been copied. masterFd stays open (the caller owns it).
    /// When inputFd is a terminal it is put in raw mode for the duration and its window size is
    /// copied to the master, now and on every SIGWINCH. When inputFd is not a terminal (a pipe, a
    /// file), its end only stops the input; with sendEofOnInputEnd the terminal's EOF character
    /// (^D) is then typed into the container so a program reading its terminal sees end-of-file.
    /// </summary>
    public static void Run(int masterFd, int inputFd, int outputFd, bool sendEofOnInputEnd)
    {
        bool inputIsTty = Pty.IsTerminal(inputFd);
        // Where the user's window size comes from: the terminal we read from, or else the one we
        // write to (`mydocker run -t < file` still has a window).
        int sizeSource = inputIsTty ? inputFd : Pty.IsTerminal(outputFd) ? outputFd : -1;

        using RawMode? raw = inputIsTty ? RawMode.Enter(inputFd) : null;
        using WindowSizeFollower? follower = sizeSource >= 0 ? new WindowSizeFollower(sizeSource, masterFd) : null;

        // The master is non-blocking so that a container that does not read its input can never
        // make us block in write() while its output piles up unread (a deadlock).
        int oldFlags = Libc.Check(Libc.Fcntl(masterFd, Libc.F_GETFL, 0), "terminal: fcntl(F_GETFL) on the pty master");
        Libc.Check(Libc.Fcntl(masterFd, Libc.F_SETFL, oldFlags | Libc.O_NONBLOCK), "terminal: fcntl(F_SETFL) on the pty master");
        try
        {
            Pump(masterFd, inputFd, outputFd, sendEofOnInputEnd && !inputIsTty);
        }
        finally
        {
            Libc.Fcntl(masterFd, Libc.F_SETFL, oldFlags);
        }
    }

    private static void Pump(int masterFd, int inputFd, int outputFd, bool sendEof)
    {
        byte[] outBuf = new byte[BufferSize];
        byte[] inBuf = new byte[BufferSize];
        int pendingOff = 0, pendingLen = 0;  // input read but not yet accepted by the master
        byte lastSent = (byte)'\n';          // last byte given to the container ("start of line")
        bool inputOpen = true, outputOpen = true;
        var fds = stackalloc Libc.PollFd[2];

        fixed (byte* outp = outBuf)
        fixed (byte* inp = inBuf)
        {
            while (true)
            {
                // Read new input only when the previous chunk is delivered: that is the back-pressure.
                int nfds = 1;
                fds[0] = new Libc.PollFd { Fd = masterFd, Events = (short)(Libc.POLLIN | (pendingLen > 0 ? Libc.POLLOUT : 0)) };
                if (inputOpen && pendingLen == 0)
                {
                    fds[1] = new Libc.PollFd { Fd = inputFd, Events = Libc.POLLIN };
                    nfds = 2;
                }

                if (Libc.Poll(fds, (nuint)nfds, -1) < 0)
                {
                    if (Libc.LastErrno == Libc.EINTR) continue; // e.g. SIGWINCH arrived
                    throw Libc.Fail("terminal: poll");
                }

                short m = fds[0].Revents;
                if ((m & Libc.POLLNVAL) != 0)
                    throw new MyDockerException("terminal: poll: the pty master is not an open file descriptor", Libc.EBADF);

                // Container -> user. POLLHUP means all slave fds are closed, but output written just
                // before may still be buffered: keep reading until read() itself says EIO.
                if ((m & (Libc.POLLIN | Libc.POLLHUP | Libc.POLLERR)) != 0)
                {
                    nint n = Libc.Read(masterFd, outp, BufferSize);
                    if (n > 0)
                    {
                        if (outputOpen) outputOpen = WriteAll(outputFd, outp, n);
                    }
                    else if (n == 0) return;
                    else
                    {
                        int errno = Libc.LastErrno;
                        if (errno == Libc.EIO) return; // drained, and nobody holds the slave: done
                        if (errno is not (Libc.EAGAIN or Libc.EINTR))
                            throw new MyDockerException($"terminal: read from the pty master: {Libc.StrError(errno)}", errno);
                    }
                }

                // User -> container.
                if (pendingLen > 0 && (m & Libc.POLLOUT) != 0)
                {
                    nint w = Libc.Write(masterFd, inp + pendingOff, pendingLen);
                    if (w > 0)
                    {
                        lastSent = inp[pendingOff + (int)w - 1];
                        pendingOff += (int)w;
                        pendingLen -= (int)w;
                    }
                    else if (w < 0 && Libc.LastErrno is not (Libc.EAGAIN or Libc.EINTR))
                    {
                        // The container side is gone (EIO); the read above will notice and finish.
                        pendingLen = 0;
                        inputOpen = false;
                    }
                }

                if (nfds == 2 && fds[1].Revents != 0)
                {
                    nint n = Libc.Read(inputFd, inp, BufferSize);
                    if (n > 0)
                    {
                        pendingOff = 0;
                        pendingLen = (int)n;
                    }
                    else if (n < 0 && Libc.LastErrno is Libc.EINTR or Libc.EAGAIN)
                    {
                        // try again on the next round
                    }
                    else
                    {
                        // End of input (or a hung-up terminal): stop reading, keep showing output.
                        inputOpen = false;
                        if (n == 0 && sendEof)
                        {
                            pendingOff = 0;
                            pendingLen = EofSequence(masterFd, lastSent, inp);
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// Fills buf with what "typing EOF" means for the container's terminal and returns its length.
    /// In canonical (line) mode ^D ends read() with the bytes of the current line; only a ^D at
    /// the start of a line makes read() return 0 = end of file. So after an unfinished line we send
    /// two. In raw mode the program interprets keys itself, so it gets one ^D, like a keypress.
    /// tcgetattr on a master reports the slave's settings, i.e. what the container set up.
    /// </summary>
    private static int EofSequence(int masterFd, byte lastSent, byte* buf)
    {
        Libc.Termios t;
        if (Libc.TcGetAttr(masterFd, &t) < 0) return 0;
        byte eof = t.Cc[Libc.VEOF];
        if (eof == 0) return 0; // EOF character disabled (_POSIX_VDISABLE)
        bool canonical = (t.LFlag & Libc.ICANON) != 0;
        bool atLineStart = lastSent is (byte)'\n' or (byte)'\r' || lastSent == eof;
        int count = canonical && !atLineStart ? 2 : 1;
        for (int i = 0; i < count; i++) buf[i] = eof;
        return count;
    }

    /// <summary>Writes all n bytes to fd. Returns false if the reader went away (EPIPE): the rest
    /// of the output is then dropped, but we keep draining so the container never blocks on it.</summary>
    private static bool WriteAll(int fd, byte* p, nint n)
    {
        while (n > 0)
        {
            nint w = Libc.Write(fd, p, n);
            if (w > 0) { p += w; n -= w; continue; }
            int errno = Libc.LastErrno;
            if (errno == Libc.EINTR) continue;
            if (errno == Libc.EAGAIN)
            {
                // Our stdout is non-blocking (shared with someone who set O_NONBLOCK): wait for room.
                var pfd = new Libc.PollFd { Fd = fd, Events = Libc.POLLOUT };
                Libc.Poll(&pfd, 1, -1);
                continue;
            }
            if (errno == Libc.EPIPE) return false;
            throw new MyDockerException($"terminal: write output: {Libc.StrError(errno)}", errno);
        }
        return true;
    }

    /// <summary>
    /// Copies the user's window size to the container's pty, now and whenever the user's terminal
    /// is resized (the kernel signals that with SIGWINCH). Setting the size on the master makes the
    /// kernel send SIGWINCH inside the container in turn, so vim or top redraw.
    /// </summary>
    private sealed class WindowSizeFollower : IDisposable
    {
        private readonly int _source, _master;
        private readonly Lock _lock = new();
        private bool _active = true;
        private readonly PosixSignalRegistration? _registration;

        public WindowSizeFollower(int source, int master)
        {
            _source = source;
            _master = master;
            // Register before the first copy, so a resize in between is not lost.
            // (The guard only tells the platform analyzer that Windows has no SIGWINCH.)
            if (!OperatingSystem.IsWindows())
                _registration = PosixSignalRegistration.Create(PosixSignal.SIGWINCH, _ => Copy());
            Copy();
        }

        private void Copy()
        {
            // Runs on a thread-pool thread. The lock and flag make sure no copy happens after
            // Dispose, when the caller may already have closed (and reused) the master fd number.
            lock (_lock)
            {
                if (!_active) return;
                Libc.WinSize ws;
                if (Libc.Ioctl(_source, Libc.TIOCGWINSZ, &ws) < 0) return; // best effort
                if (ws.Rows == 0 && ws.Cols == 0) return;                   // size unknown
                Libc.Ioctl(_master, Libc.TIOCSWINSZ, &ws);
            }
        }

        public void Dispose()
        {
            _registration?.Dispose();
            lock (_lock) _active = false;
        }
    }
}
