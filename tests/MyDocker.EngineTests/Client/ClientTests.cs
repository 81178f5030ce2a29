using System.Text.Json.Nodes;

namespace MyDocker.EngineTests.Client;

/// <summary>`mydocker container|image ...` against a real daemon and real containers.</summary>
[Collection("client")]
public sealed class ClientTests(ClientDaemonFixture f)
{
    private static string Name() => "cl" + Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public void Run_prints_the_containers_stdout_and_exits_0()
    {
        var r = f.Client(["container", "run", "--rm", "busybox", "echo", "hello", "world"]);
        Code(0, r);
        Assert.Equal("hello world\n", r.Stdout);
        Assert.Equal("", r.Stderr);
    }

    [Fact]
    public void Stdout_and_stderr_stay_apart()
    {
        var r = f.Client(["container", "run", "--rm", "busybox", "sh", "-c", "echo out; echo err >&2; echo out2"]);
        Code(0, r);
        Assert.Equal("out\nout2\n", r.Stdout);
        Assert.Equal("err\n", r.Stderr);
    }

    [Fact]
    public void The_exit_code_is_the_containers()
    {
        var r = f.Client(["container", "run", "--rm", "busybox", "sh", "-c", "exit 3"]);
        Code(3, r);
    }

    [Fact]
    public void A_missing_command_exits_127_with_one_line()
    {
        var r = f.Client(["container", "run", "--rm", "busybox", "nosuchcommand"]);
        Code(127, r);
        string line = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("mydocker: ", line);
        Assert.Contains("nosuchcommand", line);
    }

    [Fact]
    public void A_missing_image_exits_125_as_docker_says_it()
    {
        var r = f.Client(["container", "run", "--rm", "nosuchimage"]);
        Code(125, r);
        Assert.Equal("Unable to find image 'nosuchimage:latest' locally\nmydocker: No such image: nosuchimage\n", r.Stderr);
    }

    [Fact]
    public void Piped_stdin_reaches_the_container_with_i()
    {
        var r = f.Client(["container", "run", "--rm", "-i", "busybox", "sh", "-c", "tr a-z A-Z; echo done"], input: "line one\nline two\n");
        Code(0, r);
        Assert.Equal("LINE ONE\nLINE TWO\ndone\n", r.Stdout);
    }

    [Fact]
    public void Rm_leaves_no_container()
    {
        string name = Name();
        Assert.Equal(0, f.Client(["container", "run", "--rm", "--name", name, "busybox", "true"]).Code);
        var ls = f.Client(["container", "ls", "-a"]);
        Assert.DoesNotContain(name, ls.Stdout);
    }

    [Fact]
    public void Detached_run_then_logs_ls_inspect_stop_rm()
    {
        string name = Name();
        var run = f.Client(["container", "run", "-d", "--name", name, "busybox", "sh", "-c", "echo ready; echo oops >&2; sleep 100"]);
        Code(0, run);
        string id = run.Stdout.Trim();
        Assert.Matches("^[0-9a-f]{64}$", id);

        // logs: both streams, each to its own fd.
        var logs = Poll(() => f.Client(["container", "logs", name]), r => r.Stdout.Contains("ready"));
        Assert.Equal("ready\n", logs.Stdout);
        Assert.Equal("oops\n", logs.Stderr);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT[\d:.]+Z ready\n$", f.Client(["container", "logs", "-t", "--tail", "2", name]).Stdout);

        // ls: docker's columns; -q: the short id.
        var ls = f.Client(["container", "ls"]);
        Assert.Matches(@"^CONTAINER ID   IMAGE     COMMAND +CREATED +STATUS +PORTS +NAMES\n", ls.Stdout);
        var row = ls.Stdout.Split('\n').Single(l => l.EndsWith(name, StringComparison.Ordinal));
        // The daemon joins the arguments with spaces, as dockerd does; the column cuts them at 20 characters.
        Assert.StartsWith(id[..12] + "   busybox   \"sh -c echo ready; e…\"   ", row);
        Assert.Contains("Up ", row);
        Assert.Contains(id[..12], f.Client(["container", "ls", "-q"]).Stdout.Split('\n'));

        var state = JsonNode.Parse(f.Client(["container", "inspect", name]).Stdout)!.AsArray().Single()!["State"]!;
        Assert.Equal("running", (string?)state["Status"]);
        Assert.True((bool)state["Running"]!);
        Assert.True((int)state["Pid"]! > 0);
        Assert.Equal("running true", f.Client(["container", "inspect", "-f", "{{.State.Status}} {{.State.Running}}", name]).Stdout.Trim());

        // sh as pid 1 ignores SIGTERM: stop -t 1 ends in SIGKILL, 137.
        var stop = f.Client(["container", "stop", "-t", "1", name]);
        Assert.Equal((0, name + "\n"), (stop.Code, stop.Stdout));
        Assert.Equal("exited 137", f.Client(["container", "inspect", "-f", "{{.State.Status}} {{.State.ExitCode}}", name]).Stdout.Trim());
        Assert.Contains(name, f.Client(["container", "ls", "-a"]).Stdout);
        Assert.DoesNotContain(name, f.Client(["container", "ls"]).Stdout);

        Assert.Equal(0, f.Client(["container", "rm", name]).Code);
        Assert.DoesNotContain(id[..12], f.Client(["container", "ls", "-aq"]).Stdout);
        var gone = f.Client(["container", "inspect", name]);
        Assert.Equal(1, gone.Code);
        Assert.Contains("No such container", gone.Stderr);
    }

    [Fact]
    public void Kill_restart_wait_and_rm_force()
    {
        string name = Name();
        Assert.Equal(0, f.Client(["container", "run", "-d", "--name", name, "busybox", "sleep", "100"]).Code);
        Assert.Equal(0, f.Client(["container", "kill", "-s", "KILL", name]).Code);
        Assert.Equal("137\n", f.Client(["container", "wait", name]).Stdout);
        Assert.Equal(0, f.Client(["container", "restart", "-t", "1", name]).Code);
        Assert.Equal("running", f.Client(["container", "inspect", "-f", "{{.State.Status}}", name]).Stdout.Trim());
        var rm = f.Client(["container", "rm", name]);
        Assert.Equal(1, rm.Code); // running: needs -f
        Assert.Equal(0, f.Client(["container", "rm", "-f", name]).Code);
        Assert.DoesNotContain(name, f.Client(["container", "ls", "-a"]).Stdout);
    }

    [Fact]
    public void Exec_runs_in_the_container_with_env_workdir_stdin_and_exit_code()
    {
        string name = Name();
        Assert.Equal(0, f.Client(["container", "run", "-d", "--name", name, "busybox", "sleep", "100"]).Code);
        try
        {
            var r = f.Client(["container", "exec", "-e", "A=b", "-w", "/tmp", name, "sh", "-c", "echo $A; pwd; cat /proc/1/cmdline; echo; exit 4"]);
            Code(4, r);
            Assert.Equal("b\n/tmp\nsleep\0100\0\n", r.Stdout);
            var piped = f.Client(["container", "exec", "-i", name, "cat"], input: "through stdin\n");
            Assert.Equal((0, "through stdin\n"), (piped.Code, piped.Stdout));
        }
        finally { f.Client(["container", "rm", "-f", name]); }
    }

    [Fact]
    public void Image_import_ls_tag_inspect_rm()
    {
        string repo = Name();
        // The busybox tar again, through stdin ("-"), with a Dockerfile change.
        string tar = Path.Combine(Path.GetTempPath(), repo + ".tar");
        try
        {
            var save = ClientDaemonFixture.Run("sh", ["-c", $"tar -C {Path.Combine(f.RepoRoot, "bundles", "example", "rootfs")} -cf {tar} . 2>/dev/null || tar -C / -cf {tar} bin/busybox"]);
            Assert.Equal(0, save.Code);
            var import = f.Client(["image", "import", "--change", "ENV X=1", tar, repo + ":v1"]);
            Code(0, import);
            Assert.Matches("^sha256:[0-9a-f]{64}\n$", import.Stdout);
            string shortId = import.Stdout[7..19];

            var ls = f.Client(["image", "ls"]);
            Assert.StartsWith("REPOSITORY", ls.Stdout);
            Assert.Matches($@"\n{repo}\s+v1\s+{shortId}\s+(Less than a second|\d+ seconds?) ago\s+[\d.]+[kM]?B\n", ls.Stdout);

            Assert.Equal(0, f.Client(["image", "tag", repo + ":v1", repo + ":v2"]).Code);
            Assert.Matches($@"\n{repo}\s+v2\s+{shortId}", f.Client(["image", "ls"]).Stdout);
            var env = f.Client(["image", "inspect", "-f", "{{json .Config.Env}}", repo + ":v2"]);
            Assert.Contains("\"X=1\"", env.Stdout);

            Assert.Equal((0, $"Untagged: {repo}:v2\n"), Pair(f.Client(["image", "rm", repo + ":v2"])));
            var rm = f.Client(["image", "rm", repo + ":v1"]);
            Assert.Equal(0, rm.Code);
            Assert.Contains($"Untagged: {repo}:v1\n", rm.Stdout);
            Assert.Contains("Deleted: sha256:" + import.Stdout[7..].Trim(), rm.Stdout);
            Assert.DoesNotContain(repo, f.Client(["image", "ls"]).Stdout);
            var missing = f.Client(["image", "rm", repo + ":v1"]);
            Assert.Equal(1, missing.Code);
            Assert.Contains("No such image", missing.Stderr);
        }
        finally { File.Delete(tar); }
    }

    [Fact]
    public void No_daemon_is_one_line_naming_the_socket_and_how_to_start_one()
    {
        var r = f.Client(["container", "--host", "unix:///run/nosuch-mydocker.sock", "ls"]);
        Code(125, r);
        Assert.Equal("", r.Stdout);
        string line = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("mydocker: Cannot connect to the MyDocker daemon at unix:///run/nosuch-mydocker.sock", line);
        Assert.Contains("Start one as root: mydocker daemon", line);
    }

    [Fact]
    public void Unknown_verbs_and_flags_are_one_line_errors()
    {
        var r = f.Client(["container", "frobnicate"]);
        Code(125, r);
        Assert.StartsWith("mydocker: container: unknown command \"frobnicate\"", r.Stderr);
        var flag = f.Client(["container", "ls", "--bogus"]);
        Assert.Equal(("mydocker: container ls: unknown flag \"--bogus\"\n", 125), (flag.Stderr, flag.Code));
    }

    /// <summary>The exit code, with the client's stderr in the failure message.</summary>
    private static void Code(int expected, ClientDaemonFixture.Result r) =>
        Assert.True(r.Code == expected, $"exit code {r.Code}, expected {expected}; stdout: {r.Stdout}; stderr: {r.Stderr}");

    private static (int, string) Pair(ClientDaemonFixture.Result r) => (r.Code, r.Stdout);

    private static ClientDaemonFixture.Result Poll(Func<ClientDaemonFixture.Result> run, Func<ClientDaemonFixture.Result, bool> until)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (true)
        {
            var r = run();
            if (until(r) || DateTime.UtcNow > deadline) return r;
            Thread.Sleep(50);
        }
    }
}
