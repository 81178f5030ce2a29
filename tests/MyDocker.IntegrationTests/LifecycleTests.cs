using System.Text.Json.Nodes;
using MyDocker.IntegrationTests.Harness;

namespace MyDocker.IntegrationTests;

/// <summary>runtime.md "Lifecycle" and "Operations": create, start, state, kill, delete, run, and their error cases.</summary>
[Collection("runtime")]
public sealed class LifecycleTests(RuntimeFixture fx) : IDisposable
{
    private readonly TestRuntime rt = new(fx);
    public void Dispose() => rt.Dispose();

    private JsonObject State(string id)
    {
        var r = rt.Mydocker("state", id);
        Assert.True(r.ExitCode == 0, r.ToString());
        return JsonNode.Parse(r.Stdout)!.AsObject();
    }

    [Fact]
    public void Create_start_kill_delete_walks_through_the_spec_states()
    {
        string bundle = rt.Bundle(["sleep", "60"], c => c["annotations"] = new JsonObject { ["org.test"] = "yes" });
        string pidFile = Path.Combine(bundle, "init.pid");
        var create = rt.Mydocker("create", "--bundle", bundle, "--pid-file", pidFile, "life");
        Assert.True(create.ExitCode == 0, create.ToString());

        var s = State("life");
        Assert.Equal("created", s["status"]!.GetValue<string>());
        Assert.Equal("life", s["id"]!.GetValue<string>());
        Assert.Equal(bundle, s["bundle"]!.GetValue<string>());
        Assert.Equal("yes", s["annotations"]!["org.test"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(s["ociVersion"]!.GetValue<string>()));
        int pid = s["pid"]!.GetValue<int>();
        Assert.Equal(pid.ToString(), File.ReadAllText(pidFile).Trim());
        // Created: the process exists but is not the user program yet.
        Assert.DoesNotContain("sleep", File.ReadAllText($"/proc/{pid}/cmdline"));

        Assert.Equal(0, rt.Mydocker("start", "life").ExitCode);
        Assert.Equal("running", State("life")["status"]!.GetValue<string>());
        Assert.StartsWith("sleep", File.ReadAllText($"/proc/{pid}/cmdline"));

        Assert.Equal(0, rt.Mydocker("kill", "life", "KILL").ExitCode);
        WaitFor(() => State("life")["status"]!.GetValue<string>() == "stopped");

        Assert.Equal(0, rt.Mydocker("delete", "life").ExitCode);
        Assert.NotEqual(0, rt.Mydocker("state", "life").ExitCode);
        Assert.Empty(rt.ContainerDirs());
    }

    [Fact]
    public void Run_exits_with_the_containers_exit_code_and_removes_it()
    {
        var r = rt.Run(["sh", "-c", "echo out; echo err >&2; exit 42"]);
        Assert.Equal(42, r.ExitCode);
        Assert.Equal("out\n", r.Stdout);
        Assert.Contains("err\n", r.Stderr);
        Assert.Empty(rt.ContainerDirs());
    }

    [Fact]
    public async Task Run_reports_death_by_signal_as_128_plus_the_signal()
    {
        // PID 1 of a pid namespace cannot be killed from inside; kill it from the host.
        string bundle = rt.Bundle(["sleep", "60"]);
        var run = Task.Run(() => rt.Mydocker("run", "--bundle", bundle, "victim"));
        WaitFor(() => rt.Mydocker("state", "victim") is { ExitCode: 0 } s && s.Stdout.Contains("\"running\""));
        Assert.Equal(0, rt.Mydocker("kill", "victim", "KILL").ExitCode);
        var result = await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(137, result.ExitCode);
        Assert.Empty(rt.ContainerDirs());
    }

    [Fact]
    public void Run_passes_stdin_through()
    {
        string bundle = rt.Bundle(["sh", "-c", "read line; echo got:$line"]);
        var r = rt.MydockerWithInput("hello\n", "run", "--bundle", bundle, "stdin");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("got:hello\n", r.Stdout);
    }

    [Fact]
    public void Kill_accepts_signal_names_and_numbers()
    {
        string bundle = rt.Bundle(["sh", "-c", "trap 'echo usr1 > /dev/null' USR1; while :; do sleep 1; done"]);
        Assert.Equal(0, rt.Mydocker("run", "-d", "--bundle", bundle, "sig").ExitCode);
        Assert.Equal(0, rt.Mydocker("kill", "sig", "SIGUSR1").ExitCode);
        Assert.Equal(0, rt.Mydocker("kill", "sig", "10").ExitCode);
        Assert.Equal("running", State("sig")["status"]!.GetValue<string>());
        var bad = rt.Mydocker("kill", "sig", "SIGNOPE");
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Contains("invalid signal \"SIGNOPE\"", bad.Stderr);
        Assert.Equal(0, rt.Mydocker("kill", "sig", "9").ExitCode);
        WaitFor(() => State("sig")["status"]!.GetValue<string>() == "stopped");
    }

    [Fact]
    public void Start_of_a_running_container_is_an_error_and_changes_nothing()
    {
        string bundle = rt.Bundle(["sleep", "60"]);
        Assert.Equal(0, rt.Mydocker("run", "-d", "--bundle", bundle, "twice").ExitCode);
        int pid = State("twice")["pid"]!.GetValue<int>();
        var again = rt.Mydocker("start", "twice");
        Assert.NotEqual(0, again.ExitCode);
        Assert.Contains("twice", again.Stderr);
        Assert.Equal("running", State("twice")["status"]!.GetValue<string>());
        Assert.Equal(pid, State("twice")["pid"]!.GetValue<int>());
    }

    [Fact]
    public void Delete_of_a_running_container_needs_force()
    {
        string bundle = rt.Bundle(["sleep", "60"]);
        Assert.Equal(0, rt.Mydocker("run", "-d", "--bundle", bundle, "busy").ExitCode);
        int pid = State("busy")["pid"]!.GetValue<int>();
        var refused = rt.Mydocker("delete", "busy");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("running", refused.Stderr);
        Assert.True(Directory.Exists($"/proc/{pid}"));
        Assert.Equal("running", State("busy")["status"]!.GetValue<string>());

        Assert.Equal(0, rt.Mydocker("delete", "--force", "busy").ExitCode);
        Assert.Empty(rt.ContainerDirs());
        WaitFor(() => !Directory.Exists($"/proc/{pid}") || File.ReadAllText($"/proc/{pid}/stat").Contains(") Z"));
    }

    [Fact]
    public void Delete_of_a_created_container_needs_force_and_kills_its_waiting_process()
    {
        string bundle = rt.Bundle(["sleep", "60"]);
        Assert.Equal(0, rt.Mydocker("create", "--bundle", bundle, "waiting").ExitCode);
        int pid = State("waiting")["pid"]!.GetValue<int>();
        var refused = rt.Mydocker("delete", "waiting");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Equal("mydocker: cannot delete container \"waiting\": it is created (stop it first, or use --force)\n", refused.Stderr);
        Assert.Equal("created", State("waiting")["status"]!.GetValue<string>());
        Assert.Equal(0, rt.Mydocker("delete", "--force", "waiting").ExitCode);
        Assert.Empty(rt.ContainerDirs());
        WaitFor(() => !Directory.Exists($"/proc/{pid}") || File.ReadAllText($"/proc/{pid}/stat").Contains(") Z"));
    }

    [Fact]
    public void A_config_without_process_can_be_created_but_not_started()
    {
        string bundle = rt.Bundle(["true"], c => c.Remove("process"));
        Assert.Equal(0, rt.Mydocker("create", "--bundle", bundle, "noproc").ExitCode);
        Assert.Equal("created", State("noproc")["status"]!.GetValue<string>());
        var r = rt.Mydocker("start", "noproc");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Equal("mydocker: cannot start container \"noproc\": its config.json has no process\n", r.Stderr);
        Assert.Equal("created", State("noproc")["status"]!.GetValue<string>());
        Assert.Equal(0, rt.Mydocker("delete", "--force", "noproc").ExitCode);
    }

    [Fact]
    public void Kill_of_a_stopped_container_is_an_error()
    {
        string bundle = rt.Bundle(["true"]);
        Assert.Equal(0, rt.Mydocker("create", "--bundle", bundle, "done").ExitCode);
        Assert.Equal(0, rt.Mydocker("start", "done").ExitCode);
        WaitFor(() => State("done")["status"]!.GetValue<string>() == "stopped");
        var r = rt.Mydocker("kill", "done", "TERM");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("stopped", r.Stderr);
        Assert.Equal(0, State("done")["pid"]!.GetValue<int>());
        Assert.Equal(0, rt.Mydocker("delete", "done").ExitCode);
    }

    [Fact]
    public void Unknown_id_is_an_error_for_every_verb_but_delete_force()
    {
        foreach (var verb in new[] { "state", "start", "kill", "delete" })
        {
            var r = rt.Mydocker(verb, "nope");
            Assert.NotEqual(0, r.ExitCode);
            Assert.Equal("mydocker: container \"nope\" does not exist\n", r.Stderr);
        }
        Assert.Equal(0, rt.Mydocker("delete", "--force", "nope").ExitCode);
    }

    [Fact]
    public void Duplicate_id_is_refused_and_the_first_container_is_untouched()
    {
        string bundle = rt.Bundle(["sleep", "60"]);
        Assert.Equal(0, rt.Mydocker("create", "--bundle", bundle, "dup").ExitCode);
        int pid = State("dup")["pid"]!.GetValue<int>();
        var r = rt.Mydocker("create", "--bundle", bundle, "dup");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Equal("mydocker: container \"dup\" already exists\n", r.Stderr);
        Assert.Equal("created", State("dup")["status"]!.GetValue<string>());
        Assert.Equal(pid, State("dup")["pid"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("a/b")]
    [InlineData("..")]
    [InlineData("semi;colon")]
    public void Ids_that_could_escape_the_state_root_are_refused(string id)
    {
        string bundle = rt.Bundle(["true"]);
        var r = rt.Mydocker("create", "--bundle", bundle, id);
        Assert.NotEqual(0, r.ExitCode);
        Assert.StartsWith($"mydocker: invalid container ID \"{id}\"", r.Stderr);
        Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.Empty(rt.ContainerDirs());
        Assert.False(Directory.Exists(Path.Combine(Path.GetDirectoryName(rt.Root)!, "x")) && id == "../x" && File.Exists("/run/x/state.json"));
    }

    [Fact]
    public void List_shows_containers_with_their_status()
    {
        string bundle = rt.Bundle(["sleep", "60"]);
        Assert.Equal(0, rt.Mydocker("create", "--bundle", bundle, "l1").ExitCode);
        var json = rt.Mydocker("list", "--format", "json");
        Assert.True(json.ExitCode == 0, json.ToString());
        var arr = JsonNode.Parse(json.Stdout)!.AsArray();
        Assert.Single(arr);
        Assert.Equal("l1", arr[0]!["id"]!.GetValue<string>());
        Assert.Equal("created", arr[0]!["status"]!.GetValue<string>());
        Assert.Equal("l1\n", rt.Mydocker("list", "-q").Stdout);
    }

    internal static void WaitFor(Func<bool> condition, int timeoutMs = 10_000)
    {
        var until = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (!condition())
        {
            if (DateTime.UtcNow > until) throw new TimeoutException("condition not reached in time");
            Thread.Sleep(20);
        }
    }
}
