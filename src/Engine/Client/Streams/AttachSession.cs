using MyDocker.Engine.Api;

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
        Task<bool> input;
        if (stdin) input = InputPump.Start(connection, tty ? new DetachKeys(detachKeys) : null);
        else
        {
            connection.CloseWrite(); // no stdin to send, as docker's CLI: the daemon may stop reading
            input = Task.FromResult(false);
        }

        if (await Task.WhenAny(output, input) == input && await input)
        {
            connection.Dispose(); // detached: the daemon ends its relay, the container keeps running
            try { await output; } catch (Exception) { } // the read fails or ends now that the socket is closed
            return AttachEnd.Detached;
        }
        try { await output; }
        catch (IOException e) { throw new ClientException(0, $"lost the connection to the daemon: {e.Message}"); }
        return AttachEnd.OutputEnded;
    }
}
