using MyDocker.Engine.Api;

namespace MyDocker.Engine.Client.Streams;

/// <summary>
/// Copies the client's stdin to a hijacked connection on a thread of its own (a read of fd 0 blocks
/// and cannot be cancelled; the thread is a background one, so it never keeps the client alive).
/// At the end of stdin it half-closes the connection: the daemon then closes the container's stdin
/// and keeps sending output. With detach keys (a TTY) it watches for the sequence, as docker's CLI
/// does, and stops there without half-closing: the container keeps running. The sequence is then sent
/// on to the daemon too, which watches for it as well and ends its relay: a connection that merely
/// closed could look to the daemon like the end of stdin, which it passes on to the container.
/// </summary>
public sealed class InputPump
{
    private volatile bool _detached;
    private readonly TaskCompletionSource<bool> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Set before the keys go to the daemon, so it is already true when the daemon ends the output because of them.</summary>
    public bool Detached => _detached;

    /// <summary>Completes at the end of stdin or at the detach; true for a detach.</summary>
    public Task<bool> Done => _done.Task;

    public static InputPump Start(HijackedConnection connection, string? detachKeys)
    {
        var pump = new InputPump();
        var thread = new Thread(() =>
        {
            bool detached = false;
            try
            {
                using var stdin = StdStreams.OpenStdin();
                var scanner = detachKeys == null ? null : new DetachKeys(detachKeys);
                var buffer = new byte[32 * 1024];
                int n;
                while (!detached && (n = stdin.Read(buffer)) > 0)
                {
                    byte[] pass = scanner == null ? buffer[..n] : scanner.Scan(buffer.AsSpan(0, n), out detached);
                    if (pass.Length > 0) connection.Write(pass);
                    if (detached)
                    {
                        pump._detached = true;
                        connection.Write(DetachKeys.Parse(detachKeys!));
                    }
                }
                if (!detached) connection.CloseWrite();
            }
            catch (IOException) { }          // the connection is gone: the output side reports it
            catch (ObjectDisposedException) { }
            pump._done.TrySetResult(detached);
        })
        { IsBackground = true, Name = "stdin" };
        thread.Start();
        return pump;
    }
}
