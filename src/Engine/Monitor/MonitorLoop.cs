using System.Buffers;
using MyDocker.Runtime.Interop;

namespace MyDocker.Engine.Monitor;

/// <summary>
/// The monitor's life after the process started: one thread, one poll() over every descriptor
/// (the output pipes or pty master, the stdin pipe, the attach socket and its clients, a pidfd of
/// the process). Output goes to the log and to every client; stdin from any client goes to the
/// process. When the process has exited and its output is drained, exit.json is written and each
/// client gets frame 3.
/// </summary>
public sealed unsafe class MonitorLoop
{
    /// <summary>How long output may still come after the exit (a child of an exec'd process can hold the pipe).</summary>
    private const int DrainMs = 2000;
    /// <summary>How long clients get to read the end before the monitor goes.</summary>
    private const int LingerMs = 1000;
    /// <summary>Orphans other than the process (we are a subreaper) are reaped at least this often.</summary>
    private const int ReapEveryMs = 2000;
    /// <summary>Stdin that the process does not read yet; beyond this, clients are not read (back-pressure).</summary>
    private const int MaxStdinQueued = 1 << 20;

    private readonly LaunchedProcess _process;
    private readonly MonitorPaths _paths;
    private readonly int _listenFd;
    private readonly LogWriter _log;
    private readonly int[] _outputs; // [0] stdout, [1] stderr; -1 when closed
    private int _stdinFd;
    private readonly bool _tty;
    private readonly ArrayBufferWriter<byte> _stdinQueue = new(256);
    private int _stdinSent;
    private bool _closeStdin;
    private readonly List<AttachConnection> _clients = [];
    private readonly byte[] _buffer = new byte[64 * 1024];
    private Libc.PollFd[] _pollFds = new Libc.PollFd[16];
    private ExitInfo? _exit;
    /// <summary>
    /// An exec'd process runs before anyone can attach (`exec --detach` starts it): its output up to
    /// the first client is kept for that client (up to MaxReplay bytes), so `exec -it sh` shows its prompt.
    /// A created container needs none: the daemon attaches before it runs `start`.
    /// </summary>
    private List<byte[]>? _replay;
    private int _replayBytes;
    private const int MaxReplay = 1 << 20;

    public MonitorLoop(LaunchedProcess process, MonitorPaths paths, int listenFd, LogWriter log, bool replayToFirstClient)
    {
        if (replayToFirstClient) _replay = [];
        _process = process;
        _paths = paths;
        _listenFd = listenFd;
        _log = log;
        _outputs = [process.StdoutFd, process.StderrFd];
        _stdinFd = process.StdinFd;
        _tty = process.PtyMaster >= 0;
    }

    public ExitInfo Run()
    {
        int pidfd = Libc.PidfdOpen(_process.Pid); // readable when the process exits; -1: rely on the periodic reap
        if (_process.EarlyStderr.Length > 0) Output(2, _process.EarlyStderr);
        DateTime drainUntil = DateTime.MaxValue;
        while (true)
        {
            DateTime now = DateTime.UtcNow;
            if (_exit != null && ((_outputs[0] < 0 && _outputs[1] < 0) || now >= drainUntil)) break;

            int n = 0;
            Add(ref n, _listenFd, Libc.POLLIN);
            for (int i = 0; i < 2; i++) Add(ref n, _outputs[i], Libc.POLLIN);
            Add(ref n, _exit == null ? pidfd : -1, Libc.POLLIN);
            Add(ref n, _stdinFd >= 0 && StdinPending ? _stdinFd : -1, Libc.POLLOUT);
            int firstClient = n;
            bool readClients = _stdinQueue.WrittenCount - _stdinSent < MaxStdinQueued;
            foreach (var c in _clients)
                Add(ref n, c.Fd, (short)((readClients && !c.ReadClosed ? Libc.POLLIN : 0) | (c.HasQueued ? Libc.POLLOUT : 0)));

            int timeout = ReapEveryMs;
            if (_log.FlushDueAt() is DateTime due) timeout = Math.Min(timeout, MsUntil(due, now));
            if (_exit != null) timeout = Math.Min(timeout, MsUntil(drainUntil, now));
            int rc;
            fixed (Libc.PollFd* p = _pollFds) rc = Libc.Poll(p, (nuint)n, timeout);
            if (rc < 0 && Libc.LastErrno != Libc.EINTR) throw Libc.Fail("poll");
            now = DateTime.UtcNow;

            // Accept before reading: a client whose connect() returned before the output was written gets it.
            if (_pollFds[0].Revents != 0 || Ready(1) || Ready(2)) AcceptClients();
            for (int i = 0; i < 2; i++)
                if (_outputs[i] >= 0 && Ready(1 + i)) ReadOutput(i, now);
            if (_stdinFd >= 0 && (Ready(4) || _closeStdin)) FlushStdin();
            for (int i = firstClient; i < n; i++)
            {
                var c = _clients[i - firstClient];
                if ((_pollFds[i].Revents & (Libc.POLLHUP | Libc.POLLERR)) != 0 && c.ReadClosed) c.Broken = true; // gone both ways
                else if ((_pollFds[i].Revents & (Libc.POLLIN | Libc.POLLHUP | Libc.POLLERR)) != 0) c.Receive(_buffer, OnFrame);
                if ((_pollFds[i].Revents & Libc.POLLOUT) != 0) c.Send();
            }
            DropBrokenClients();
            if (_exit == null && Reap(now))
            {
                drainUntil = now.AddMilliseconds(DrainMs);
                CloseStdin(); // nobody reads it any more
            }
            _log.FlushPartials(now, force: false);
        }
        if (pidfd >= 0) Libc.Close(pidfd);
        _log.FlushPartials(DateTime.UtcNow, force: true);

        var exit = _exit!;
        ExitFile.Write(_paths.ExitFile, exit);
        foreach (var c in _clients) EndClient(c);
        Linger();
        return exit;
    }

    private bool StdinPending => _stdinQueue.WrittenCount > _stdinSent;

    private void Add(ref int n, int fd, short events)
    {
        if (n == _pollFds.Length) Array.Resize(ref _pollFds, n * 2);
        _pollFds[n++] = new Libc.PollFd { Fd = fd, Events = events }; // fd -1: poll skips it
    }

    private bool Ready(int index) => _pollFds[index].Fd >= 0 && _pollFds[index].Revents != 0;

    private static int MsUntil(DateTime when, DateTime now) =>
        (int)Math.Clamp(Math.Ceiling((when - now).TotalMilliseconds), 0, int.MaxValue);

    private void ReadOutput(int index, DateTime now)
    {
        int fd = _outputs[index];
        nint n;
        do
        {
            fixed (byte* p = _buffer) n = Libc.Read(fd, p, _buffer.Length);
        }
        while (n < 0 && Libc.LastErrno == Libc.EINTR);
        if (n < 0 && Libc.LastErrno == Libc.EAGAIN) return;
        if (n <= 0)
        {
            // End of file (no writer left), or EIO from a pty master whose slave is closed everywhere.
            if (fd != _process.PtyMaster) Libc.Close(fd);
            _outputs[index] = -1;
            return;
        }
        Output(index + 1, _buffer.AsSpan(0, (int)n), now);
    }

    private void Output(int stream, ReadOnlySpan<byte> data) => Output(stream, data, DateTime.UtcNow);

    private void Output(int stream, ReadOnlySpan<byte> data, DateTime now)
    {
        _log.Add(stream, data, now);
        if (_clients.Count == 0 && _replay == null) return;
        byte[] frame = AttachProtocol.Frame((byte)stream, data);
        if (_replay != null && _replayBytes + frame.Length <= MaxReplay)
        {
            _replay.Add(frame);
            _replayBytes += frame.Length;
        }
        foreach (var c in _clients) c.Queue(frame);
    }

    private void AcceptClients()
    {
        while (true)
        {
            int fd = Libc.Accept4(_listenFd, null, null, Libc.SOCK_CLOEXEC | Libc.O_NONBLOCK);
            if (fd < 0)
            {
                if (Libc.LastErrno == Libc.EINTR) continue;
                return; // EAGAIN: no more waiting
            }
            var c = new AttachConnection(fd);
            _clients.Add(c);
            if (_replay != null)
            {
                foreach (var frame in _replay) c.Queue(frame);
                _replay = null;
            }
            if (_exit != null) EndClient(c);
        }
    }

    /// <summary>Frame 3 after everything else the client was sent; the connection closes once it is out.</summary>
    private void EndClient(AttachConnection c)
    {
        c.Queue(AttachProtocol.ExitedFrame(_exit!.ExitCode));
        c.CloseWhenSent = true;
        c.Send();
    }

    private void OnFrame(byte type, ReadOnlySpan<byte> payload)
    {
        switch (type)
        {
            case AttachProtocol.Stdin:
                if (_stdinFd >= 0 && !_closeStdin) _stdinQueue.Write(payload);
                break;
            case AttachProtocol.CloseStdin:
                if (_tty && _stdinFd >= 0 && !_closeStdin) _stdinQueue.Write((ReadOnlySpan<byte>)[4]); // ^D: a terminal's end-of-file
                else _closeStdin = true;
                break;
            case AttachProtocol.Resize:
                if (_tty && payload.Length >= 4)
                {
                    var size = new Libc.WinSize
                    {
                        Rows = System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(payload),
                        Cols = System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(payload[2..]),
                    };
                    Libc.Ioctl(_process.PtyMaster, Libc.TIOCSWINSZ, &size); // SIGWINCH to the foreground group
                }
                break;
        }
    }

    private void FlushStdin()
    {
        while (StdinPending)
        {
            nint n;
            fixed (byte* p = _stdinQueue.WrittenSpan) n = Libc.Write(_stdinFd, p + _stdinSent, _stdinQueue.WrittenCount - _stdinSent);
            if (n < 0 && Libc.LastErrno == Libc.EINTR) continue;
            if (n < 0 && Libc.LastErrno == Libc.EAGAIN) return;
            if (n <= 0) { CloseStdin(); return; } // EPIPE: the process closed its stdin
            _stdinSent += (int)n;
        }
        _stdinQueue.ResetWrittenCount();
        _stdinSent = 0;
        if (_closeStdin) CloseStdin();
    }

    private void CloseStdin()
    {
        if (_stdinFd < 0) return;
        if (_stdinFd != _process.PtyMaster) Libc.Close(_stdinFd); // end-of-file for the reader
        _stdinFd = -1;
        _stdinQueue.ResetWrittenCount();
        _stdinSent = 0;
    }

    private void DropBrokenClients()
    {
        for (int i = _clients.Count - 1; i >= 0; i--)
        {
            var c = _clients[i];
            if (c.Broken || (c.CloseWhenSent && !c.HasQueued))
            {
                Libc.Close(c.Fd);
                _clients.RemoveAt(i);
            }
        }
    }

    /// <summary>Reaps every exited child (we are a subreaper: orphans come to us); true when the process was one of them.</summary>
    private bool Reap(DateTime now)
    {
        int status, pid;
        bool found = false;
        while ((pid = Libc.WaitPid(-1, &status, Libc.WNOHANG)) > 0)
        {
            if (pid != _process.Pid) continue;
            _exit = ExitInfo.FromWaitStatus(status, pid, now);
            found = true;
        }
        return found;
    }

    /// <summary>Up to LingerMs for the clients to get the end; late clients still get frame 3 at once.</summary>
    private void Linger()
    {
        DateTime until = DateTime.UtcNow.AddMilliseconds(LingerMs);
        while (_clients.Count > 0)
        {
            DateTime now = DateTime.UtcNow;
            if (now >= until) break;
            int n = 0;
            Add(ref n, _listenFd, Libc.POLLIN);
            foreach (var c in _clients) Add(ref n, c.Fd, (short)((c.ReadClosed ? 0 : Libc.POLLIN) | (c.HasQueued ? Libc.POLLOUT : 0)));
            int rc;
            fixed (Libc.PollFd* p = _pollFds) rc = Libc.Poll(p, (nuint)n, MsUntil(until, now));
            if (rc < 0 && Libc.LastErrno != Libc.EINTR) break;
            if (_pollFds[0].Revents != 0) AcceptClients();
            for (int i = 1; i < n && i - 1 < _clients.Count; i++)
            {
                var c = _clients[i - 1];
                if ((_pollFds[i].Revents & (Libc.POLLHUP | Libc.POLLERR)) != 0 && c.ReadClosed) c.Broken = true;
                else if ((_pollFds[i].Revents & (Libc.POLLIN | Libc.POLLHUP | Libc.POLLERR)) != 0) c.Receive(_buffer, static (_, _) => { });
                if ((_pollFds[i].Revents & Libc.POLLOUT) != 0) c.Send();
            }
            DropBrokenClients();
        }
        foreach (var c in _clients) Libc.Close(c.Fd);
        _clients.Clear();
    }
}
