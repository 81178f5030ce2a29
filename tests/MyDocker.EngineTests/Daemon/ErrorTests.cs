using System.Diagnostics;
using System.Text;

namespace MyDocker.EngineTests.Daemon;

/// <summary>
/// Errors as Docker answers them: the status code and a body {"message": "..."} (the key docker-py
/// reads), for requests sent byte for byte over the socket.
/// </summary>
[Collection("daemon")]
public class ErrorTests(DaemonFixture daemon)
{
    [Theory]
    [InlineData("GET", "/v1.41/containers/nosuch/json", "nosuch")]
    [InlineData("POST", "/v1.41/containers/nosuch/start", "nosuch")]
    [InlineData("POST", "/v1.41/containers/nosuch/stop", "nosuch")]
    [InlineData("DELETE", "/v1.41/containers/nosuch", "nosuch")]
    [InlineData("GET", "/v1.41/containers/nosuch/logs?stdout=1", "nosuch")]
    [InlineData("GET", "/v1.41/images/nosuch/json", "nosuch")]
    [InlineData("DELETE", "/v1.41/images/nosuch:1", "nosuch:1")]
    [InlineData("POST", "/v1.41/images/nosuch/tag?repo=x&tag=y", "nosuch")]
    public void Unknown_container_or_image_is_404_with_a_message(string method, string path, string name)
    {
        var a = UnixHttp.Send(daemon.Socket, method, path);
        Assert.Equal(404, a.Status);
        Assert.StartsWith("application/json", a.Headers.GetValueOrDefault("content-type", ""));
        Assert.Contains(name, CliTests.Message(a));
    }

    /// <summary>The key is "message", lower case, as dockerd writes it: docker-py reads exactly that key (KeyError otherwise).</summary>
    [Fact]
    public void Error_body_is_exactly_message()
    {
        var a = UnixHttp.Send(daemon.Socket, "GET", "/v1.41/containers/nosuch/json");
        Assert.Equal(404, a.Status);
        var body = Assert.IsType<System.Text.Json.Nodes.JsonObject>(a.Json);
        Assert.Equal(["message"], body.Select(kv => kv.Key));
        Assert.Equal("No such container: nosuch", (string)body["message"]!);
    }

    [Fact]
    public void Create_from_an_unknown_image_is_404_and_creates_nothing()
    {
        int before = Directory.GetDirectories(Path.Combine(daemon.DataRoot, "containers")).Length;
        var a = daemon.Api("POST", "/v1.41/containers/create", """{"Image":"nosuch:1","Cmd":["true"]}""");
        Assert.Equal(404, a.Status);
        Assert.Contains("nosuch:1", CliTests.Message(a));
        Assert.Equal(before, Directory.GetDirectories(Path.Combine(daemon.DataRoot, "containers")).Length);
    }

    [Fact]
    public void Removing_a_running_container_is_409_and_it_keeps_running()
    {
        var docker = new DockerCli(daemon, DockerCli.Docker28);
        string id = docker.Ok("run", "-d", DaemonFixture.Image, "sleep", "30").Trim();
        try
        {
            int pid = (int)docker.Inspect(id)["State"]!["Pid"]!;
            var a = daemon.Api("DELETE", $"/v1.41/containers/{id}");
            Assert.Equal(409, a.Status);
            Assert.Contains("running", CliTests.Message(a));
            Assert.True(KernelView.Alive(pid), "the refused rm stopped the container");
            Assert.Equal("running", (string)daemon.Inspect(id)["State"]!["Status"]!);
            var cli = docker.Run("rm", id);
            Assert.NotEqual(0, cli.ExitCode);
            Assert.Contains("cannot remove a running container", cli.Stderr);
        }
        finally { docker.Run("rm", "-f", id); }
    }

    [Theory]
    [InlineData("{\"Image\": ")]               // cut short
    [InlineData("{\"Image\": \"busybox\",}")]  // trailing comma
    [InlineData("[\"busybox\"]")]              // not an object
    [InlineData("{\"Image\": \"busybox\", \"Cmd\": 5}")] // Cmd neither string nor list
    [InlineData("not json")]
    public void Malformed_create_body_is_400_and_creates_nothing(string body)
    {
        string containers = Path.Combine(daemon.DataRoot, "containers");
        int before = Directory.GetDirectories(containers).Length;
        var a = UnixHttp.Send(daemon.Socket, "POST", "/v1.41/containers/create", Encoding.UTF8.GetBytes(body));
        Assert.Equal(400, a.Status);
        Assert.NotEmpty(CliTests.Message(a));
        Assert.Equal(before, Directory.GetDirectories(containers).Length);
    }

    [Theory]
    [InlineData("GET", "/v1.41/networks", "/networks")]
    [InlineData("GET", "/v1.41/volumes", "/volumes")]
    [InlineData("POST", "/v1.41/build", "/build")]
    [InlineData("GET", "/v1.41/images/busybox/history", "/images/busybox/history")]
    public void Unimplemented_endpoint_is_501_naming_the_path(string method, string path, string named)
    {
        var a = UnixHttp.Send(daemon.Socket, method, path);
        Assert.Equal(501, a.Status);
        string message = CliTests.Message(a);
        Assert.Contains(named, message);
        Assert.Contains(method, message);
    }

    /// <summary>An id with "..": a 404 for that id (not a 501 for the path the dots would leave), and no file made anywhere.</summary>
    [Theory]
    [InlineData("GET", "/v1.41/containers/../x/json")]
    [InlineData("GET", "/v1.41/containers/..%2Fx/json")]
    [InlineData("GET", "/v1.41/containers/..%2F..%2F..%2Fx/json")]
    [InlineData("POST", "/v1.41/containers/..%2Fx/start")]
    [InlineData("DELETE", "/v1.41/containers/..%2Fx?force=1")]
    [InlineData("GET", "/v1.41/containers/..%2Fx/logs?stdout=1")]
    public void Dot_dot_id_is_404_and_touches_nothing(string method, string path)
    {
        var before = Snapshot();
        var a = UnixHttp.Send(daemon.Socket, method, path);
        Assert.True(a.Status == 404, $"{method} {path}: {a}");
        Assert.Contains("No such container", CliTests.Message(a));
        Assert.Equal(before, Snapshot());
    }

    /// <summary>
    /// The docker CLI cleans the URL before sending it: `docker rm -f ../x` arrives as DELETE /v1.41/x,
    /// so no daemon (dockerd neither: "page not found") can tell a container was meant. It must be one
    /// clear error naming the path, and nothing touched.
    /// </summary>
    [Fact]
    public void Dot_dot_id_from_the_cli_is_an_error_and_touches_nothing()
    {
        var before = Snapshot();
        var r = new DockerCli(daemon, DockerCli.Docker28).Run("rm", "-f", "../x");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("DELETE /x", r.Stderr);
        Assert.Equal(before, Snapshot());
    }

    [Fact]
    public void Dot_dot_name_at_create_is_400_and_makes_nothing()
    {
        var before = Snapshot();
        var a = daemon.Api("POST", "/v1.41/containers/create?name=..%2F..%2Fx", """{"Image":"busybox:latest","Cmd":["true"]}""");
        Assert.Equal(400, a.Status);
        Assert.Equal(before, Snapshot());
    }

    /// <summary>What a path escape could touch: the fixture's directory (data root included, two levels) and /tmp, /run's top level.</summary>
    private List<string> Snapshot()
    {
        var entries = new List<string>();
        foreach (string root in new[] { daemon.BaseDir, daemon.DataRoot, Path.Combine(daemon.DataRoot, "containers"), "/tmp", "/run", daemon.RuntimeRoot })
            if (Directory.Exists(root))
                entries.AddRange(Directory.GetFileSystemEntries(root).Where(e => !e.StartsWith("/tmp/", StringComparison.Ordinal) || e.EndsWith("/x", StringComparison.Ordinal)));
        entries.Sort(StringComparer.Ordinal);
        return entries;
    }

    /// <summary>
    /// "Connection: close" (and HTTP/1.0, whose answers have no chunked framing) means the server closes
    /// after its answer: a client reading to the end of the stream must not wait.
    /// </summary>
    [Theory]
    [InlineData("HTTP/1.1")]
    [InlineData("HTTP/1.0")]
    public void Answer_to_a_connection_close_request_ends_with_EOF(string version)
    {
        using var socket = UnixHttp.Connect(daemon.Socket, timeoutSeconds: 10);
        socket.Send(UnixHttp.Request("GET", "/_ping", null, version: version));
        var clock = Stopwatch.StartNew();
        var all = new MemoryStream();
        var buffer = new byte[4096];
        int n;
        while ((n = socket.Receive(buffer)) > 0) all.Write(buffer, 0, n);
        string answer = Encoding.ASCII.GetString(all.ToArray());
        Assert.StartsWith($"HTTP/1.1 200", answer);
        Assert.EndsWith("OK", answer.Replace("\r\n0\r\n\r\n", "").TrimEnd());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"the daemon closed the connection {clock.Elapsed.TotalSeconds:F1}s after its answer");
    }
}
