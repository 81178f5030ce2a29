namespace MyDocker.Engine.Daemon.HalfClose;

/// <summary>
/// Set on every connection by <see cref="HalfCloseMiddleware"/>. An attach handler calls
/// <see cref="Hijacked"/> before it upgrades the connection; from then on the client's FIN (it closed
/// its sending side: no more stdin) is reported here (<see cref="ClientFinished"/>) instead of closing
/// the connection, and the connection ends when the handler is <see cref="Done"/>.
/// </summary>
public sealed class HijackFeature
{
    private readonly TaskCompletionSource _clientFinished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool IsHijacked { get; private set; }

    public void Hijacked() => IsHijacked = true;

    /// <summary>Completes when the client has closed its sending side (end of stdin).</summary>
    public Task ClientFinished => _clientFinished.Task;

    internal void OnClientFin() => _clientFinished.TrySetResult();

    /// <summary>The handler has finished with the connection: what was held back may now close it.</summary>
    public void Done() => _done.TrySetResult();

    internal Task DoneTask => _done.Task;
}
