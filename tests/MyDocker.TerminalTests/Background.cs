namespace MyDocker.TerminalTests;

/// <summary>A blocking call (like TerminalForwarder.Run) on its own thread, with a timed join.</summary>
internal sealed class Background
{
    private readonly Thread _thread;
    private Exception? _error;

    public Background(Action action)
    {
        _thread = new Thread(() =>
        {
            try { action(); }
            catch (Exception e) { _error = e; }
        }) { IsBackground = true };
        _thread.Start();
    }

    /// <summary>True when the call returned (or threw) within timeoutMs.</summary>
    public bool Join(int timeoutMs) => _thread.Join(timeoutMs);

    /// <summary>Rethrows what the call threw, if anything (call after Join returned true).</summary>
    public void ThrowIfFailed()
    {
        if (_error != null) throw new AggregateException("background call failed", _error);
    }
}
