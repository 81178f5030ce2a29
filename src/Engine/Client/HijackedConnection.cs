using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace MyDocker.Engine.Client;

/// <summary>
/// An HTTP connection "hijacked" for attach and exec-start, as docker's CLI does it: the request is
/// written by hand on a Unix socket with "Connection: Upgrade, Upgrade: tcp"; after the daemon's
/// "101 Switching Protocols" the same socket carries stdin one way and the output the other. Written
/// by hand rather than through HttpClient because the client must half-close the connection
/// (<see cref="CloseWrite"/>: "no more stdin") while it still reads the output.
/// </summary>
public sealed class HijackedConnection : Stream
{
    private readonly Socket _socket;
    private byte[] _pending; // bytes read with the response headers that already belong to the stream
    private int _pendingOffset;

    /// <summary>application/vnd.docker.raw-stream (a TTY) or application/vnd.docker.multiplexed-stream.</summary>
    public string ContentType { get; }

    private HijackedConnection(Socket socket, byte[] pending, string contentType)
    {
        _socket = socket;
        _pending = pending;
        ContentType = contentType;
    }

    public static async Task<HijackedConnection> Open(Socket socket, string path, string? jsonBody)
    {
        byte[] body = jsonBody == null ? [] : Encoding.UTF8.GetBytes(jsonBody);
        string head = $"POST {path} HTTP/1.1\r\nHost: mydocker\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n"
            + (jsonBody == null ? "" : "Content-Type: application/json\r\n")
            + $"Content-Length: {body.Length}\r\n\r\n";
        await socket.SendAsync(Encoding.ASCII.GetBytes(head));
        if (body.Length > 0) await socket.SendAsync(body);

        var (status, headers, rest) = await ReadHead(socket);
        if (status == 101)
            return new HijackedConnection(socket, rest, headers.GetValueOrDefault("content-type", ""));
        // Not upgraded: an error answer (404 no such container, 409 not running ...).
        byte[] answer = await ReadBody(socket, headers, rest);
        socket.Dispose();
        string text = Encoding.UTF8.GetString(answer).Trim();
        try { if (JsonNode.Parse(text) is JsonObject o && (o["message"] ?? o["Message"])?.GetValue<string>() is string m) text = m; }
        catch (System.Text.Json.JsonException) { }
        throw new ClientException(status, text.Length > 0 ? text : $"the daemon answered {status} instead of upgrading the connection");
    }

    /// <summary>Reads up to the blank line after the headers; returns the status, the headers (lower-case names) and the bytes after them.</summary>
    private static async Task<(int Status, Dictionary<string, string> Headers, byte[] AfterHead)> ReadHead(Socket socket)
    {
        var buffer = new List<byte>();
        var chunk = new byte[4096];
        while (true)
        {
            int end = IndexOfBlankLine(buffer);
            if (end >= 0)
            {
                string head = Encoding.ASCII.GetString(buffer.GetRange(0, end).ToArray());
                byte[] rest = buffer.GetRange(end + 4, buffer.Count - end - 4).ToArray();
                string[] lines = head.Split("\r\n");
                string[] statusLine = lines[0].Split(' ', 3);
                if (statusLine.Length < 2 || !int.TryParse(statusLine[1], out int status))
                    throw new ClientException(0, $"the daemon answered something that is not HTTP: {Spec.MessageText.Quote(lines[0])}");
                var headers = new Dictionary<string, string>();
                foreach (string line in lines.Skip(1))
                {
                    int colon = line.IndexOf(':');
                    if (colon > 0) headers[line[..colon].Trim().ToLowerInvariant()] = line[(colon + 1)..].Trim();
                }
                return (status, headers, rest);
            }
            if (buffer.Count > 64 * 1024) throw new ClientException(0, "the daemon's answer has more than 64 KiB of headers");
            int n = await socket.ReceiveAsync(chunk);
            if (n == 0) throw new ClientException(0, "the daemon closed the connection before it answered");
            buffer.AddRange(chunk.AsSpan(0, n));
        }
    }

    private static int IndexOfBlankLine(List<byte> b)
    {
        for (int i = 0; i + 3 < b.Count; i++)
            if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') return i;
        return -1;
    }

    /// <summary>The body of a non-upgraded answer: Content-Length, chunked, or up to the end.</summary>
    private static async Task<byte[]> ReadBody(Socket socket, Dictionary<string, string> headers, byte[] rest)
    {
        var all = new List<byte>(rest);
        var chunk = new byte[4096];
        int? length = headers.TryGetValue("content-length", out var l) && int.TryParse(l, out int n) ? n : null;
        bool chunked = headers.GetValueOrDefault("transfer-encoding", "").Contains("chunked", StringComparison.OrdinalIgnoreCase);
        while (length == null || all.Count < length)
        {
            if (chunked && EndsWithLastChunk(all)) break;
            int r = await socket.ReceiveAsync(chunk);
            if (r == 0) break;
            all.AddRange(chunk.AsSpan(0, r));
        }
        return chunked ? Dechunk(all.ToArray()) : all.ToArray();
    }

    private static bool EndsWithLastChunk(List<byte> b) =>
        b.Count >= 5 && Encoding.ASCII.GetString(b.GetRange(b.Count - 5, 5).ToArray()) == "0\r\n\r\n";

    private static byte[] Dechunk(byte[] data)
    {
        var output = new List<byte>();
        int i = 0;
        while (i < data.Length)
        {
            int lineEnd = Array.IndexOf(data, (byte)'\n', i);
            if (lineEnd < 0) break;
            string sizeText = Encoding.ASCII.GetString(data, i, lineEnd - i).Trim().Split(';')[0];
            if (!int.TryParse(sizeText, System.Globalization.NumberStyles.HexNumber, null, out int size) || size == 0) break;
            int start = lineEnd + 1;
            output.AddRange(data.AsSpan(start, Math.Min(size, data.Length - start)));
            i = start + size + 2;
        }
        return output.ToArray();
    }

    /// <summary>"No more stdin": shutdown(SHUT_WR). The daemon closes the container's stdin and keeps sending output.</summary>
    public void CloseWrite()
    {
        try { _socket.Shutdown(SocketShutdown.Send); }
        catch (SocketException) { }
        catch (ObjectDisposedException) { }
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (TakePending(buffer) is int n and > 0) return n;
        try { return _socket.Receive(buffer); }
        catch (SocketException e) { throw new IOException(e.Message, e); }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancel = default)
    {
        if (TakePending(buffer.Span) is int n and > 0) return n;
        try { return await _socket.ReceiveAsync(buffer, SocketFlags.None, cancel); }
        catch (SocketException e) { throw new IOException(e.Message, e); }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancel) =>
        ReadAsync(buffer.AsMemory(offset, count), cancel).AsTask();

    private int TakePending(Span<byte> buffer)
    {
        int n = Math.Min(buffer.Length, _pending.Length - _pendingOffset);
        if (n <= 0) return 0;
        _pending.AsSpan(_pendingOffset, n).CopyTo(buffer);
        _pendingOffset += n;
        if (_pendingOffset == _pending.Length) { _pending = []; _pendingOffset = 0; }
        return n;
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        try
        {
            while (buffer.Length > 0) buffer = buffer[_socket.Send(buffer)..];
        }
        catch (SocketException e) { throw new IOException(e.Message, e); }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancel = default)
    {
        try
        {
            while (buffer.Length > 0) buffer = buffer[await _socket.SendAsync(buffer, SocketFlags.None, cancel)..];
        }
        catch (SocketException e) { throw new IOException(e.Message, e); }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancel) =>
        WriteAsync(buffer.AsMemory(offset, count), cancel).AsTask();

    public override void Flush() { }
    public override bool CanRead => true;
    public override bool CanWrite => true;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) _socket.Dispose();
        base.Dispose(disposing);
    }
}
