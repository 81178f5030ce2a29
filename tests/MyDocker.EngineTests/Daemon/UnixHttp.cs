using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace MyDocker.EngineTests.Daemon;

/// <summary>An HTTP answer: status, headers (lower-case names) and the body (chunked encoding undone).</summary>
public sealed record HttpAnswer(int Status, Dictionary<string, string> Headers, byte[] BodyBytes)
{
    public string Body => Encoding.UTF8.GetString(BodyBytes);

    public JsonNode? Json => JsonNode.Parse(Body);

    public override string ToString() => $"HTTP {Status}: {Body}";
}

/// <summary>
/// HTTP/1.1 over the daemon's Unix socket, written by hand: the request goes out byte for byte as
/// given (HttpClient would clean "/containers/../x" into "/x" before sending, and refuses some
/// malformed input). The answer is read as HTTP frames it (Content-Length, chunked, or no body),
/// not until the daemon closes: one request per connection.
/// </summary>
public static class UnixHttp
{
    public static HttpAnswer Send(string socketPath, string method, string path, byte[]? body = null,
        string contentType = "application/json", int timeoutSeconds = 60)
    {
        using var socket = Connect(socketPath, timeoutSeconds);
        socket.Send(Request(method, path, body, contentType));
        if (body != null) socket.Send(body);
        return new AnswerReader(socket).Read(method, $"{method} {path}");
    }

    public static Socket Connect(string socketPath, int timeoutSeconds)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
        {
            ReceiveTimeout = timeoutSeconds * 1000, SendTimeout = timeoutSeconds * 1000,
        };
        try { socket.Connect(new UnixDomainSocketEndPoint(socketPath)); }
        catch { socket.Dispose(); throw; }
        return socket;
    }

    public static byte[] Request(string method, string path, byte[]? body, string contentType = "application/json", string version = "HTTP/1.1")
    {
        var head = new StringBuilder($"{method} {path} {version}\r\nHost: docker\r\nConnection: close\r\n");
        if (body != null) head.Append($"Content-Type: {contentType}\r\nContent-Length: {body.Length}\r\n");
        head.Append("\r\n");
        return Encoding.ASCII.GetBytes(head.ToString());
    }

    /// <summary>Reads one HTTP answer from a socket, byte by byte where framing needs it.</summary>
    private sealed class AnswerReader(Socket socket)
    {
        private readonly byte[] _buffer = new byte[65536];
        private int _start, _end;

        public HttpAnswer Read(string method, string what)
        {
            var headText = new StringBuilder();
            while (!headText.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
            {
                int b = Next();
                if (b < 0) throw new InvalidOperationException($"{what}: the connection closed before a complete answer ({headText})");
                headText.Append((char)b);
            }
            string[] lines = headText.ToString().TrimEnd().Split("\r\n");
            int status = int.Parse(lines[0].Split(' ')[1]);
            var headers = new Dictionary<string, string>();
            foreach (string line in lines.Skip(1))
            {
                int colon = line.IndexOf(':');
                if (colon > 0) headers[line[..colon].Trim().ToLowerInvariant()] = line[(colon + 1)..].Trim();
            }
            var body = new MemoryStream();
            if (method == "HEAD" || status is 204 or 304 || status < 200) { }
            else if (headers.TryGetValue("transfer-encoding", out string? te) && te.Contains("chunked"))
            {
                while (true)
                {
                    int size = Convert.ToInt32(Line().Split(';')[0].Trim(), 16);
                    if (size == 0) break;
                    Copy(body, size);
                    Line();
                }
            }
            else if (headers.TryGetValue("content-length", out string? cl)) Copy(body, long.Parse(cl));
            else for (int b; (b = Next()) >= 0;) body.WriteByte((byte)b);
            return new HttpAnswer(status, headers, body.ToArray());
        }

        private int Next()
        {
            if (_start == _end)
            {
                _start = 0;
                _end = socket.Receive(_buffer);
                if (_end <= 0) { _end = 0; return -1; }
            }
            return _buffer[_start++];
        }

        private string Line()
        {
            var s = new StringBuilder();
            for (int b; (b = Next()) >= 0 && b != '\n';) if (b != '\r') s.Append((char)b);
            return s.ToString();
        }

        private void Copy(MemoryStream to, long count)
        {
            for (long i = 0; i < count; i++)
            {
                int b = Next();
                if (b < 0) throw new InvalidOperationException($"the connection closed {count - i} bytes before the end of the body");
                to.WriteByte((byte)b);
            }
        }
    }
}
