using MyDocker.Runtime.Interop;

namespace MyDocker.Runtime.Terminal;

/// <summary>
/// The user's terminal in raw mode, restored on Dispose -- and on process exit, because an
/// exception or SIGTERM must not leave the user's shell without echo.
/// </summary>
public sealed unsafe class RawMode : IDisposable
{
    private readonly int _fd;
    private readonly Libc.Termios _saved;
    private int _restored;

    private RawMode(int fd, Libc.Termios saved)
    {
        _fd = fd;
        _saved = saved;
    }

    public static RawMode Enter(int fd)
    {
        Libc.Termios saved;
        Libc.Check(Libc.TcGetAttr(fd, &saved), "terminal: tcgetattr");
        var mode = new RawMode(fd, saved);
        Libc.Termios raw = saved;
        Libc.CfMakeRaw(&raw);
        Libc.Check(Libc.TcSetAttr(fd, Libc.TCSANOW, &raw), "terminal: tcsetattr (raw mode)");
        AppDomain.CurrentDomain.ProcessExit += mode.OnProcessExit;
        return mode;
    }

    private void OnProcessExit(object? sender, EventArgs e) => Restore();

    private void Restore()
    {
        if (Interlocked.Exchange(ref _restored, 1) != 0) return;
        Libc.Termios saved = _saved;
        // TCSANOW rather than TCSADRAIN: waiting for output to drain could hang forever.
        Libc.TcSetAttr(_fd, Libc.TCSANOW, &saved);
    }

    public void Dispose()
    {
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        Restore();
    }
}
