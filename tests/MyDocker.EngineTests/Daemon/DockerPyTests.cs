using System.Text.Json.Nodes;

namespace MyDocker.EngineTests.Daemon;

/// <summary>
/// docker-py (Debian's python3-docker, for Debian's /usr/bin/python3), the Python SDK: a client that is not Go and reads the API's
/// bodies by their documented keys. The script prints one JSON object of what it saw.
/// </summary>
[Collection("daemon")]
public class DockerPyTests(DaemonFixture daemon)
{
    /// <summary>Each step runs on its own (an error is recorded as "ERROR: Type: text"), so one failure does not hide the rest.</summary>
    private const string Script = """
        import docker, json, sys
        c = docker.DockerClient(base_url=sys.argv[1], version="1.41", timeout=60)
        out = {}
        def step(name, f):
            try:
                out[name] = f()
            except Exception as e:
                out[name] = "ERROR: " + type(e).__name__ + ": " + str(e)
        step("run", lambda: c.containers.run("busybox", ["echo", "hi"], remove=True).decode())
        ct = c.containers.run("busybox", ["sh", "-c", "echo a; echo b >&2; exit 5"], detach=True)
        out["id"] = ct.id
        step("wait", lambda: ct.wait(timeout=30))
        step("logs", lambda: ct.logs().decode())
        step("logs_stdout", lambda: ct.logs(stderr=False).decode())
        step("all", lambda: [x.id for x in c.containers.list(all=True)])
        sleeper = c.containers.run("busybox", ["sleep", "30"], detach=True, name="py-sleeper")
        out["sleeper"] = sleeper.id
        step("running", lambda: [x.id for x in c.containers.list()])
        step("running_names", lambda: [x.name for x in c.containers.list()])
        def status():
            sleeper.reload()
            return sleeper.status
        step("sleeper_status", status)
        step("remove_sleeper", lambda: sleeper.remove(force=True))
        step("remove", lambda: ct.remove())
        step("after", lambda: [x.id for x in c.containers.list(all=True)])
        def notfound():
            try:
                c.containers.get("nosuch")
                return "no error"
            except docker.errors.NotFound as e:
                return "NotFound: " + str(e.explanation)
        step("notfound", notfound)
        print(json.dumps(out))
        """;

    /// <summary>Debian's interpreter, with the python3-docker package (a python3 earlier in PATH, e.g. pyenv's, may lack it).</summary>
    private const string Python = "/usr/bin/python3";

    [Fact]
    public void Run_list_logs_wait_with_docker_py()
    {
        var probe = HostRun.Run(Python, ["-c", "import docker"]);
        Assert.True(probe.ExitCode == 0, $"python3-docker (docker-py) is not importable: apt-get install -y python3-docker\n{probe}");
        string script = Path.Combine(daemon.BaseDir, "dockerpy.py");
        File.WriteAllText(script, Script);
        RunResult r;
        try { r = HostRun.Run(Python, [script, daemon.DockerHost], daemon.ClientEnv(), timeoutSeconds: 120); }
        catch (TimeoutException e)
        {
            // Once seen in a full `make test` (not alone): the daemon's last lines say which request hung.
            var tail = File.ReadLines(daemon.LogFile).TakeLast(40);
            throw new TimeoutException(e.Message + "\nthe daemon's log ends with:\n" + string.Join('\n', tail), e);
        }
        Assert.True(r.ExitCode == 0, r.ToString());
        var o = JsonNode.Parse(r.Stdout.Trim().Split('\n').Last())!.AsObject();
        var errors = o.Where(kv => kv.Value is JsonValue v && v.TryGetValue(out string? t) && t.StartsWith("ERROR: ", StringComparison.Ordinal))
            .Select(kv => $"{kv.Key}: {kv.Value}").ToList();
        Assert.True(errors.Count == 0, "docker-py steps that failed:\n" + string.Join('\n', errors));

        Assert.Equal("hi\n", (string)o["run"]!);
        Assert.Equal(5, (int)o["wait"]!["StatusCode"]!);
        Assert.Equal("a\nb\n", (string)o["logs"]!);
        Assert.Equal("a\n", (string)o["logs_stdout"]!);
        string id = (string)o["id"]!, sleeper = (string)o["sleeper"]!;
        Assert.Contains(id, Ids(o["all"]));
        Assert.Contains(sleeper, Ids(o["running"]));
        Assert.DoesNotContain(id, Ids(o["running"])); // exited: only in list(all=True)
        Assert.Contains("py-sleeper", Ids(o["running_names"]));
        Assert.Equal("running", (string)o["sleeper_status"]!);
        Assert.DoesNotContain(id, Ids(o["after"]));
        Assert.DoesNotContain(sleeper, Ids(o["after"]));
        // docker-py reads the error body's "message": anything else and it raises KeyError, not NotFound.
        Assert.StartsWith("NotFound: No such container: nosuch", (string)o["notfound"]!);
    }

    private static List<string> Ids(JsonNode? list) => list!.AsArray().Select(n => (string)n!).ToList();
}
