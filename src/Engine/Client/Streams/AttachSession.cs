namespace MyDocker.Engine.Client.Streams;

public enum AttachEnd { OutputEnded, Detached }

/// <summary>
/// One attached session over a hijacked connection (container attach, run without -d, exec): the
/// output to stdout/stderr (demultiplexed unless a TTY), stdin to the container (when attached), until
/// the output ends (the process exited, or the daemon hung up) or the user detaches.
/// </summary>
public static class AttachSession
{
    public static async Task<AttachEnd> Run(HijackedConnection connection, bool tty, bool stdin, string detachKeys)
    {
        Task output = tty
            ? StdCopy.Raw(connection, StdStreams.Stdout)
            : StdCopy.Demultiplex(connection, StdStreams.Stdout, StdStreams.Stderr);
        InputPump? pump = null;
        if (stdin) pump = InputPump.Start(connection, tty ? detachKeys : null);
        else connection.CloseWrite(); // no stdin to send, as docker's CLI: the daemon may stop reading
        Task<bool> input = pump?.Done ?? Task.FromResult(false);

        // The daemon ends the output when it sees the detach keys, maybe before the pump's task completes: the flag tells.
        if ((await Task.WhenAny(output, input) == input && await input) || pump is { Detached: true })
        {
            // Detached: the daemon saw the keys too and ends its relay; the container keeps running.
            await Task.WhenAny(output, Task.Delay(1000));
            connection.Dispose();
            try { await output; } catch (Exception) { } // the read fails or ends now that the socket is closed
            return AttachEnd.Detached;
        }
        try { await output; }
        catch (IOException e) { throw new ClientException(0, $"lost the connection to the daemon: {e.Message}"); }
        return pump is { Detached: true } ? AttachEnd.Detached : AttachEnd.OutputEnded;
    }
}
