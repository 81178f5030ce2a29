using MyDocker.Engine.Api;

namespace MyDocker.Engine.Client.Streams;

/// <summary>
/// Copies the client's stdin to a hijacked connection on a thread of its own (a read of fd 0 blocks
/// and cannot be cancelled; the thread is a background one, so it never keeps the client alive).
/// At the end of stdin it half-closes the connection: the daemon then closes the container's stdin
/// and keeps sending output. With detach keys (a TTY) it watches for the sequence, as docker's CLI
/// does, and stops there without half-closing: the container keeps running.
/// </summary>
public static class InputPump
{
    /// <summary>The task's result is true when the user typed the detach keys.</summary>
    public static Task<bool> Start(HijackedConnection connection, DetachKeys? detachKeys)
    {
        var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            bool detached = false;
            try
            {
                using var stdin = StdStreams.OpenStdin();
                var buffer = new byte[32 * 1024];
                int n;
                while (!detached && (n = stdin.Read(buffer)) > 0)
                {
                    byte[] pass = detachKeys == null ? buffer[..n] : detachKeys.Scan(buffer.AsSpan(0, n), out detached);
                    if (pass.Length > 0) connection.Write(pass);
                }
                if (!detached) connection.CloseWrite();
            }
            catch (IOException) { }          // the connection is gone: the output side reports it
            catch (ObjectDisposedException) { }
            done.TrySetResult(detached);
        })
        { IsBackground = true, Name = "stdin" };
        thread.Start();
        return done.Task;
    }
}
