using System.Buffers.Binary;
using System.Net.Sockets;
using MyDocker.Runtime.Interop;
using MyDocker.Spec;

namespace MyDocker.Engine.Monitor;

/// <summary>One frame from the monitor: AttachProtocol.Stdout, Stderr or Exited, and its bytes.</summary>
public readonly record struct AttachFrame(byte Type, byte[] Payload)
{
    /// <summary>The exit code carried by an Exited frame.</summary>
    public int ExitCode => int.Parse(System.Text.Encoding.ASCII.GetString(Payload), System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// The daemon's end of an attach connection (AttachProtocol): send stdin, close it, resize the
/// terminal, and read the output frames until frame 3 (exited) or the end of the connection.
/// </summary>
public sealed class AttachClient : IDisposable
{
    private readonly Socket _socket;
    private readonly object _sendLock = new();

    private AttachClient(Socket socket) => _socket = socket;

    /// <summary>Connects to a monitor's socket (MonitorPaths.AttachSocket); throws MyDockerException when nobody listens.</summary>
    public static AttachClient Connect(string socketPath)
    {
        string kernelPath = MonitorSocket.ShortPath(socketPath, out int dirFd);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(kernelPath));
            return new AttachClient(socket);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new MyDockerException($"attach {socketPath}: {e.Message}", (int)e.SocketErrorCode);
        }
        finally
        {
            if (dirFd >= 0) Libc.Close(dirFd);
        }
    }

    public void SendStdin(ReadOnlySpan<byte> data) => Send(AttachProtocol.Frame(AttachProtocol.Stdin, data));

    public void CloseStdin() => Send(AttachProtocol.Frame(AttachProtocol.CloseStdin, []));

    public void Resize(ushort rows, ushort cols) => Send(AttachProtocol.ResizeFrame(rows, cols));

    private void Send(byte[] frame)
    {
        // Frames from several callers (stdin copier, resize requests) must not interleave.
        lock (_sendLock)
        {
            try { _socket.Send(frame); }
            catch (SocketException e) { throw new MyDockerException($"attach: sending to the monitor: {e.Message}", (int)e.SocketErrorCode); }
        }
    }

    /// <summary>The next frame, or null when the monitor closed the connection (blocks).</summary>
    public AttachFrame? ReadFrame()
    {
        var header = new byte[AttachProtocol.HeaderSize];
        if (!ReadExactly(header, allowEnd: true)) return null;
        var payload = new byte[CheckedLength(header)];
        ReadExactly(payload, allowEnd: false);
        return new AttachFrame(header[0], payload);
    }

    public async ValueTask<AttachFrame?> ReadFrameAsync(CancellationToken cancel = default)
    {
        var header = new byte[AttachProtocol.HeaderSize];
        if (!await ReadExactlyAsync(header, allowEnd: true, cancel)) return null;
        var payload = new byte[CheckedLength(header)];
        await ReadExactlyAsync(payload, allowEnd: false, cancel);
        return new AttachFrame(header[0], payload);
    }

    private static int CheckedLength(byte[] header)
    {
        int len = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(1));
        if (len < 0 || len > AttachProtocol.MaxPayload) throw new MyDockerException($"attach: bad frame length {len}");
        return len;
    }

    private bool ReadExactly(byte[] into, bool allowEnd)
    {
        int got = 0;
        while (got < into.Length)
        {
            int n;
            try { n = _socket.Receive(into, got, into.Length - got, SocketFlags.None); }
            catch (SocketException e) { throw new MyDockerException($"attach: reading from the monitor: {e.Message}", (int)e.SocketErrorCode); }
            if (n == 0) return End(got, allowEnd);
            got += n;
        }
        return true;
    }

    private async ValueTask<bool> ReadExactlyAsync(byte[] into, bool allowEnd, CancellationToken cancel)
    {
        int got = 0;
        while (got < into.Length)
        {
            int n;
            try { n = await _socket.ReceiveAsync(into.AsMemory(got), SocketFlags.None, cancel); }
            catch (SocketException e) { throw new MyDockerException($"attach: reading from the monitor: {e.Message}", (int)e.SocketErrorCode); }
            if (n == 0) return End(got, allowEnd);
            got += n;
        }
        return true;
    }

    private static bool End(int got, bool allowEnd) =>
        got == 0 && allowEnd ? false : throw new MyDockerException("attach: the monitor closed the connection in the middle of a frame");

    public void Dispose() => _socket.Dispose();
}
