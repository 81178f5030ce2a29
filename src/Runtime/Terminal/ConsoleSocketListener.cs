using System.Diagnostics;
using MyDocker.Runtime.Interop;
using MyDocker.Spec;

namespace MyDocker.Runtime.Terminal;

/// <summary>
/// The receiving side of --console-socket, for `mydocker run`: it plays the part conmon or
/// containerd's shim play for runc. It listens on a fresh socket in a private directory (mode
/// 0700, so no other user can connect and hand us a fake terminal) and removes it on Dispose.
/// </summary>
public sealed unsafe class ConsoleSocketListener : IDisposable
{
    private readonly string _dir;
    private int _listenFd = -1;

    /// <summary>Path of the listening socket: pass it to the runtime as --console-socket.</summary>
    public string SocketPath { get; }

    public ConsoleSocketListener()
    {
        // CreateTempSubdirectory uses mkdtemp(3): a new, unguessable directory with mode 0700.
        _dir = Directory.CreateTempSubdirectory("mydocker-console-").FullName;
        SocketPath = Path.Combine(_dir, "console.sock");
        try
        {
            // Close-on-exec: the container's processes must not inherit our listening socket.
            _listenFd = Libc.Socket(Libc.AF_UNIX, Libc.SOCK_STREAM | Libc.SOCK_CLOEXEC, 0);
            if (_listenFd < 0) throw Libc.Fail($"console socket {SocketPath}: socket");
            int fd = _listenFd;
            if (UnixSocket.WithAddress(SocketPath, (addr, len) => Libc.Bind(fd, addr, len)) < 0)
                throw Libc.Fail($"console socket {SocketPath}: bind");
            Libc.Check(Libc.Listen(_listenFd, 1), $"console socket {SocketPath}: listen");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>
    /// Waits up to timeoutMs (negative: forever) for one connection and returns the fd it carries
    /// (close-on-exec; the caller owns it). Throws MyDockerException on timeout.
    /// </summary>
    public int AcceptMaster(int timeoutMs)
    {
        ObjectDisposedException.ThrowIf(_listenFd < 0, this);
        var clock = Stopwatch.StartNew();

        WaitReadable(_listenFd, timeoutMs, clock, "waiting for the container's terminal");
        int conn;
        do conn = Libc.Accept4(_listenFd, null, null, Libc.SOCK_CLOEXEC);
        while (conn < 0 && Libc.LastErrno == Libc.EINTR);
        if (conn < 0) throw Libc.Fail($"console socket {SocketPath}: accept");
        try
        {
            // The sender may connect first and send a moment later: the same deadline applies.
            WaitReadable(conn, timeoutMs, clock, "waiting for the terminal's file descriptor");
            try
            {
                return ConsoleSocket.ReceiveFd(conn);
            }
            catch (MyDockerException e)
            {
                throw new MyDockerException($"console socket {SocketPath}: {e.Message.Replace("console socket: ", "")}", e.Errno);
            }
        }
        finally
        {
            Libc.Close(conn);
        }
    }

    /// <summary>poll() for POLLIN until the deadline, restarting after signals (EINTR).</summary>
    private void WaitReadable(int fd, int timeoutMs, Stopwatch clock, string what)
    {
        while (true)
        {
            int remaining = timeoutMs < 0 ? -1 : (int)Math.Max(0, timeoutMs - clock.ElapsedMilliseconds);
            var pfd = new Libc.PollFd { Fd = fd, Events = Libc.POLLIN };
            int rc = Libc.Poll(&pfd, 1, remaining);
            if (rc > 0) return; // readable, or HUP/ERR: the next call reports what happened
            if (rc == 0)
                throw new MyDockerException($"console socket {SocketPath}: timed out after {timeoutMs} ms {what}", Libc.ETIMEDOUT);
            if (Libc.LastErrno != Libc.EINTR) throw Libc.Fail($"console socket {SocketPath}: poll");
        }
    }

    public void Dispose()
    {
        UnixSocket.CloseQuietly(_listenFd);
        _listenFd = -1;
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
