using System.Globalization;
using System.Text.Json.Nodes;
using MyDocker.EngineTests.Images;

namespace MyDocker.EngineTests.Daemon;

/// <summary>
/// Docker's own CLIs, 20.10 and 28.x, against the daemon: what a user types, checked on what the
/// CLI prints and on what the kernel shows.
/// </summary>
[Collection("daemon")]
public class CliTests(DaemonFixture daemon)
{
    public static TheoryData<string> Clis => new() { DockerCli.Debian2010, DockerCli.Docker28 };

    private static readonly DateTime ZeroTime = DateTime.Parse("0001-01-01T00:00:00Z", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);

    [Theory, MemberData(nameof(Clis))]
    public void Run_rm_prints_the_output_and_leaves_no_container(string binary)
    {
        var docker = new DockerCli(daemon, binary);
        int before = ContainerCount();
        var r = docker.Run("run", "--rm", DaemonFixture.Image, "echo", "hi");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("hi\n", r.Stdout);
        Assert.True(DockerCli.Eventually(() => ContainerCount() == before, 5), "docker run --rm left its container behind");
    }

    [Theory, MemberData(nameof(Clis))]
    public void Run_exits_with_the_container_exit_code(string binary)
    {
        var docker = new DockerCli(daemon, binary);
        string name = "exit3-" + Guid.NewGuid().ToString("N")[..8];
        var r = docker.Run("run", "--name", name, DaemonFixture.Image, "sh", "-c", "exit 3");
        Assert.True(r.ExitCode == 3, r.ToString());
        Assert.Equal(3, (int)docker.Inspect(name)["State"]!["ExitCode"]!);
        docker.Ok("rm", name);
    }

    [Theory, MemberData(nameof(Clis))]
    public void Detached_container_logs_stop_ps_inspect_rm(string binary)
    {
        var docker = new DockerCli(daemon, binary);
        string name = "life-" + Guid.NewGuid().ToString("N")[..8];
        // TERM runs the trap (exit 7): docker stop must deliver the stop signal, not only KILL after the timeout.
        string id = docker.Ok("run", "-d", "--name", name, DaemonFixture.Image, "sh", "-c",
            "echo out1; echo err1 >&2; trap 'echo got-term; exit 7' TERM; while :; do sleep 0.1; done").Trim();
        Assert.Matches("^[0-9a-f]{64}$", id);
        try
        {
            RunResult? logs = null;
            Assert.True(DockerCli.Eventually(() => (logs = docker.Run("logs", id)).Stdout == "out1\n" && logs.Stderr == "err1\n"),
                $"docker logs: stdout and stderr apart: {logs}");

            var running = docker.Inspect(id)["State"]!;
            Assert.Equal("running", (string)running["Status"]!);
            Assert.True((bool)running["Running"]!);
            int pid = (int)running["Pid"]!;
            Assert.True(KernelView.Alive(pid), $"inspect's Pid {pid} is not a live process");
            Assert.Equal(0, (int)running["ExitCode"]!);
            Assert.False((bool)running["OOMKilled"]!);
            DateTime started = Time(running["StartedAt"]!);
            Assert.True(Math.Abs((DateTime.UtcNow - started).TotalSeconds) < 60, $"StartedAt {started:O} is not now");
            Assert.Equal(ZeroTime, Time(running["FinishedAt"]!));

            var ps = docker.Ok("ps", "--no-trunc");
            Assert.Contains(id, ps);

            var stopped = docker.Run("stop", "-t", "10", id);
            Assert.True(stopped.ExitCode == 0, stopped.ToString());
            Assert.False(KernelView.Alive(pid), $"init {pid} still runs after docker stop");

            var exited = docker.Inspect(id)["State"]!;
            Assert.Equal("exited", (string)exited["Status"]!);
            Assert.False((bool)exited["Running"]!);
            Assert.Equal(0, (int)exited["Pid"]!);
            Assert.Equal(7, (int)exited["ExitCode"]!);
            Assert.False((bool)exited["OOMKilled"]!);
            Assert.Equal(started, Time(exited["StartedAt"]!));
            DateTime finished = Time(exited["FinishedAt"]!);
            Assert.True(finished >= started && (DateTime.UtcNow - finished).TotalSeconds < 60, $"FinishedAt {finished:O} (StartedAt {started:O})");

            Assert.Contains("got-term", docker.Ok("logs", id));
            Assert.DoesNotContain(id, docker.Ok("ps", "--no-trunc"));
            string line = docker.Ok("ps", "-a", "--no-trunc").Split('\n').FirstOrDefault(l => l.StartsWith(id, StringComparison.Ordinal)) ?? "";
            Assert.Contains("Exited (7)", line);
            Assert.Contains(name, line);

            docker.Ok("rm", id);
            Assert.Equal(404, daemon.Api("GET", $"/v1.41/containers/{id}/json").Status);
            Assert.DoesNotContain(id, docker.Ok("ps", "-a", "--no-trunc"));
            Assert.False(Directory.Exists(Path.Combine(daemon.DataRoot, "containers", id)), "docker rm left the container's directory");
        }
        finally
        {
            docker.Run("rm", "-f", id);
        }
    }

    /// <summary>
    /// `docker inspect NAME` asks for a container, then an image, then a network, a volume...: each
    /// must be a 404 for the CLI to say "No such object" (a 501 on the way ends the search with it).
    /// </summary>
    [Theory, MemberData(nameof(Clis))]
    public void Inspect_of_an_unknown_name_says_no_such_object(string binary)
    {
        var docker = new DockerCli(daemon, binary);
        var r = docker.Run("inspect", "nosuch-" + Guid.NewGuid().ToString("N")[..8]);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("No such object", r.Stderr);
        Assert.DoesNotContain("does not implement", r.Stderr);
    }

    [Theory, MemberData(nameof(Clis))]
    public void Logs_follow_returns_when_the_container_exits(string binary)
    {
        var docker = new DockerCli(daemon, binary);
        string id = docker.Ok("run", "-d", DaemonFixture.Image, "sh", "-c", "echo a; sleep 1; echo b").Trim();
        try
        {
            var r = docker.RunWithTimeout(20, "logs", "-f", id);
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Equal("a\nb\n", r.Stdout);
        }
        finally
        {
            docker.Run("rm", "-f", id);
        }
    }

    [Theory, MemberData(nameof(Clis))]
    public void Import_images_tag_rmi(string binary)
    {
        var docker = new DockerCli(daemon, binary);
        string repo = "imp" + Guid.NewGuid().ToString("N")[..8];
        string imageId = docker.Ok("import", "--change", "CMD [\"sh\"]", daemon.BusyboxTar, repo + ":1").Trim();
        Assert.Matches("^sha256:[0-9a-f]{64}$", imageId);
        string config = Path.Combine(daemon.DataRoot, "image", "imagedb", "content", "sha256", imageId[7..]);
        Assert.True(File.Exists(config), $"{config}: the imported image's config is not in the store");
        string container = "";
        try
        {
            ImagesLine(docker, repo, "1");
            docker.Ok("tag", repo + ":1", repo + ":2");
            string images = docker.Ok("images", "--no-trunc");
            Assert.Contains(imageId, ImagesLine(docker, repo, "2", images));
            Assert.Contains(imageId, ImagesLine(docker, repo, "1", images));
            Assert.Equal("ok\n", docker.Ok("run", "--rm", repo + ":2", "echo", "ok"));

            container = docker.Ok("create", repo + ":1", "true").Trim();
            Assert.Contains("Untagged: " + repo + ":2", docker.Ok("rmi", repo + ":2"));
            var refused = docker.Run("rmi", repo + ":1");
            Assert.NotEqual(0, refused.ExitCode);
            Assert.Contains("conflict", refused.Stderr, StringComparison.OrdinalIgnoreCase);
            var api = daemon.Api("DELETE", $"/v1.41/images/{repo}:1");
            Assert.Equal(409, api.Status);
            Assert.Contains("conflict", api.Body); // the key's spelling is ErrorTests' business
            Assert.Contains(repo + ":1", api.Body);
            Assert.True(File.Exists(config), "a refused rmi removed the image");

            docker.Ok("rm", container);
            container = "";
            Assert.Contains("Deleted: " + imageId, docker.Ok("rmi", repo + ":1"));
            Assert.DoesNotContain(repo, docker.Ok("images"));
            Assert.False(File.Exists(config), $"{config}: still there after rmi");
            Assert.Equal("still\n", docker.Ok("run", "--rm", DaemonFixture.Image, "echo", "still")); // its shared layer survived
        }
        finally
        {
            if (container != "") docker.Run("rm", "-f", container);
            docker.Run("rmi", "-f", repo + ":1");
            docker.Run("rmi", "-f", repo + ":2");
        }
    }

    [Theory, MemberData(nameof(Clis))]
    public void Load_a_docker_save_archive_and_run_it(string binary)
    {
        var docker = new DockerCli(daemon, binary);
        string tag = "loaded" + Guid.NewGuid().ToString("N")[..8] + ":v1";
        byte[] extra = new TarBuilder().File("hello.txt", "hello from a loaded layer\n").ToArray();
        var image = new TestImage([tag], [File.ReadAllBytes(daemon.BusyboxTar), extra]);
        // 20.10's CLI meets the archives 20.10 writes; 28.x's the OCI layout Docker 25+ writes.
        byte[] archive = binary == DockerCli.Debian2010 ? SaveArchive.Docker2010(image) : SaveArchive.Oci(gzipLayers: true, withManifestJson: true, image);
        string file = Path.Combine(daemon.BaseDir, tag.Replace(':', '-') + ".tar");
        File.WriteAllBytes(file, archive);
        try
        {
            Assert.Contains("Loaded image: " + tag, docker.Ok("load", "-i", file));
            Assert.Contains(image.Id, docker.Ok("images", "--no-trunc"));
            Assert.Equal("hello from a loaded layer\n", docker.Ok("run", "--rm", tag, "cat", "/hello.txt"));
            Assert.Contains("Deleted: " + image.Id, docker.Ok("rmi", tag));
            Assert.Equal("still\n", docker.Ok("run", "--rm", DaemonFixture.Image, "echo", "still")); // the shared busybox layer survived
        }
        finally
        {
            docker.Run("rmi", "-f", tag);
            File.Delete(file);
        }
    }

    private int ContainerCount() => daemon.Api("GET", "/v1.41/containers/json?all=1").Json!.AsArray().Count;

    private static string ImagesLine(DockerCli docker, string repo, string tag, string? images = null) =>
        (images ?? docker.Ok("images")).Split('\n').FirstOrDefault(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries) is [var r, var t, ..] && r == repo && t == tag)
        ?? throw new Xunit.Sdk.XunitException($"docker images has no line for {repo}:{tag}");

    private static DateTime Time(JsonNode node) =>
        DateTime.Parse((string)node!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);

    /// <summary>
    /// The text of Docker's error body {"message": "..."}, its key matched the way Go's decoder (the
    /// docker CLI) matches it, regardless of case; ErrorTests checks the exact spelling on its own.
    /// </summary>
    public static string Message(HttpAnswer answer)
    {
        var body = answer.Json as JsonObject ?? throw new Xunit.Sdk.XunitException($"the error body is not a JSON object: {answer}");
        var entry = body.FirstOrDefault(kv => string.Equals(kv.Key, "message", StringComparison.OrdinalIgnoreCase));
        return entry.Value is JsonValue v && v.TryGetValue(out string? m)
            ? m : throw new Xunit.Sdk.XunitException($"the error body has no \"message\" string: {answer}");
    }
}
