using System.Runtime.InteropServices;
using MyDocker.Runtime.Terminal;

namespace MyDocker.Engine.Client.Streams;

/// <summary>
/// The user's terminal while attached to a container's TTY: in raw mode (the container's pty does the
/// echo, line editing and ^C), its size sent to the container now and on every SIGWINCH, and restored
/// on every way out: Dispose (the container exited, detach, an error), process exit, and the signals
/// that would otherwise kill the client with the terminal left raw (SIGINT, SIGTERM, SIGHUP, SIGQUIT).
/// </summary>
public sealed class ClientTerminal : IDisposable
{
    private readonly RawMode _raw;
    private readonly List<PosixSignalRegistration> _signals = [];
    private readonly Lock _lock = new();
    private Func<WindowSize, Task>? _resize;

    private ClientTerminal(RawMode raw) => _raw = raw;

    public static bool StdinIsTerminal => Pty.IsTerminal(0);

    public static ClientTerminal Enter()
    {
        var t = new ClientTerminal(RawMode.Enter(0));
        // The handler restores the terminal; the signal's default action (ending the client) then runs as usual.
        foreach (var s in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP, PosixSignal.SIGQUIT })
            t._signals.Add(PosixSignalRegistration.Create(s, _ => t._raw.Dispose()));
        return t;
    }

    /// <summary>Sends the window size through <paramref name="resize"/> now and after every SIGWINCH (docker's monitorTtySize).</summary>
    public void FollowSize(Func<WindowSize, Task> resize)
    {
        lock (_lock) _resize = resize;
        _signals.Add(PosixSignalRegistration.Create(PosixSignal.SIGWINCH, context => { _ = SendSize(); }));
        _ = SendFirstSize();
    }

    /// <summary>
    /// The first size may come before the process exists (an exec starts while its session is being
    /// set up; the daemon answers 409 until then): retried ten times, 10 ms more each time, as docker's CLI does.
    /// </summary>
    private async Task SendFirstSize()
    {
        for (int attempt = 1; attempt <= 10; attempt++)
        {
            if (await SendSize()) return;
            await Task.Delay(10 * attempt);
        }
    }

    private async Task<bool> SendSize()
    {
        Func<WindowSize, Task>? resize;
        lock (_lock) resize = _resize;
        if (resize == null) return true;
        try
        {
            var size = Pty.GetWindowSize(0);
            if (size.Rows == 0 && size.Cols == 0) return true; // unknown size: leave the container's
            await resize(size);
            return true;
        }
        catch (Exception) { return false; } // best effort, as docker: a resize that fails (the process just exited) changes nothing
    }

    public void Dispose()
    {
        lock (_lock) _resize = null;
        foreach (var s in _signals) s.Dispose();
        _raw.Dispose();
    }
}
