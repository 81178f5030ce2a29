using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MyDocker.Engine.Client;

/// <summary>
/// HTTP/1.1 to the daemon's Unix socket, through .NET's HttpClient (SocketsHttpHandler with a
/// ConnectCallback that dials the socket instead of TCP). Paths carry the API version, as docker's
/// do. Answers are read with JsonNode: the client shows fields, it needs no typed model of them.
/// Attach and exec-start use <see cref="Hijack"/>: the HTTP connection becomes a raw two-way stream
/// after "101 Switching Protocols", exactly as with docker's CLI (<see cref="HijackedConnection"/>).
/// Every failure to reach the daemon, or a daemon that hangs up, is a <see cref="ClientException"/>.
/// </summary>
public sealed class ApiClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly string _socket;
    public const string Version = "v1.41";

    public ApiClient(string socketPath)
    {
        _socket = socketPath;
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) => new NetworkStream(await Connect(ct), ownsSocket: true),
            UseProxy = false,
        };
        _http = new HttpClient(handler) { BaseAddress = new Uri("http://mydocker/"), Timeout = Timeout.InfiniteTimeSpan };
    }

    public string SocketPath => _socket;

    /// <summary>A connected socket to the daemon, or the one-line "Cannot connect ... Start one as root" error.</summary>
    public async Task<Socket> Connect(CancellationToken cancel = default)
    {
        var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await s.ConnectAsync(new UnixDomainSocketEndPoint(_socket), cancel);
            return s;
        }
        catch (SocketException e)
        {
            s.Dispose();
            throw NoDaemon(e);
        }
    }

    private ClientException NoDaemon(SocketException e) => e.SocketErrorCode switch
    {
        SocketError.AccessDenied => new ClientException(0, $"permission denied on {_socket}: the daemon's socket is for root and group mydocker (usermod -aG mydocker $USER, then log in again)"),
        _ => new ClientException(0, $"Cannot connect to the MyDocker daemon at unix://{_socket}: {(e.SocketErrorCode is SocketError.AddressNotAvailable or SocketError.ConnectionRefused ? "no daemon is listening" : e.Message)}. Is the daemon running? Start one as root: mydocker daemon"),
    };

    /// <summary>HttpClient reports both "no daemon" (our ConnectCallback's error inside) and "the daemon hung up" as HttpRequestException.</summary>
    private static ClientException Unreachable(Exception e) => e switch
    {
        ClientException c => c,
        HttpRequestException { InnerException: ClientException c } => c,
        _ => new ClientException(0, $"lost the connection to the daemon: {(e.InnerException ?? e).Message}"),
    };

    public async Task<JsonNode?> Get(string path) => await Send(HttpMethod.Get, path, null);

    public async Task<JsonNode?> Post(string path, string? jsonBody = null) => await Send(HttpMethod.Post, path, jsonBody == null ? null : new StringContent(jsonBody, Encoding.UTF8, "application/json"));

    public async Task<JsonNode?> Delete(string path) => await Send(HttpMethod.Delete, path, null);

    public async Task<JsonNode?> PostStream(string path, Stream body, string contentType)
    {
        var content = new StreamContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return await Send(HttpMethod.Post, path, content);
    }

    /// <summary>A response whose body the caller reads as it comes (logs --follow, image load progress).</summary>
    public async Task<HttpResponseMessage> Stream(HttpMethod method, string path, string? jsonBody = null)
    {
        var request = new HttpRequestMessage(method, Versioned(path));
        if (jsonBody != null) request.Content = new StringContent(jsonBody, Encoding.UTF8, "application/json");
        var response = await SendRaw(request, HttpCompletionOption.ResponseHeadersRead);
        await ThrowIfError(response);
        return response;
    }

    /// <summary>POST of a streamed body (an image archive) whose answer is read as it comes.</summary>
    public async Task<HttpResponseMessage> StreamUpload(string path, Stream body, string contentType)
    {
        var content = new StreamContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        var response = await SendRaw(new HttpRequestMessage(HttpMethod.Post, Versioned(path)) { Content = content }, HttpCompletionOption.ResponseHeadersRead);
        await ThrowIfError(response);
        return response;
    }

    /// <summary>POST with "Connection: Upgrade, Upgrade: tcp"; after the daemon's 101 the connection is a raw two-way stream.</summary>
    public async Task<HijackedConnection> Hijack(string path, string? jsonBody = null) =>
        await HijackedConnection.Open(await Connect(), Versioned(path), jsonBody);

    private async Task<JsonNode?> Send(HttpMethod method, string path, HttpContent? content)
    {
        using var response = await SendRaw(new HttpRequestMessage(method, Versioned(path)) { Content = content }, HttpCompletionOption.ResponseContentRead);
        await ThrowIfError(response);
        string text = await response.Content.ReadAsStringAsync();
        return text.Length == 0 || response.Content.Headers.ContentType?.MediaType != "application/json" ? null : JsonNode.Parse(text);
    }

    private async Task<HttpResponseMessage> SendRaw(HttpRequestMessage request, HttpCompletionOption completion)
    {
        try { return await _http.SendAsync(request, completion); }
        catch (HttpRequestException e) { throw Unreachable(e); }
        catch (IOException e) { throw Unreachable(e); }
    }

    private static async Task ThrowIfError(HttpResponseMessage response)
    {
        if ((int)response.StatusCode < 400) return;
        string text = await response.Content.ReadAsStringAsync();
        string message = text.Trim();
        try
        {
            if (JsonNode.Parse(text) is JsonObject o && (o["message"] ?? o["Message"])?.GetValue<string>() is string m) message = m;
        }
        catch (JsonException) { }
        throw new ClientException((int)response.StatusCode, message.Length > 0 ? message : $"the daemon answered {(int)response.StatusCode} {response.ReasonPhrase}");
    }

    /// <summary>A value for a query string: "a b" -> "a%20b".</summary>
    public static string Q(string value) => Uri.EscapeDataString(value);

    private static string Versioned(string path) => "/" + Version + path;

    public void Dispose() => _http.Dispose();
}
