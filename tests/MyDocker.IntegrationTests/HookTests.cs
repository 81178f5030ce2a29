using System.Text.Json.Nodes;
using MyDocker.IntegrationTests.Harness;

namespace MyDocker.IntegrationTests;

/// <summary>config.md "POSIX-platform Hooks" and runtime.md "Lifecycle": when, where and with what each hook runs.</summary>
[Collection("runtime")]
public sealed class HookTests(RuntimeFixture fx) : IDisposable
{
    private readonly TestRuntime rt = new(fx);
    private readonly string _log = Path.Combine(Path.GetTempPath(), $"mydocker-hooks-{Guid.NewGuid():N}.log");

    public void Dispose()
    {
        rt.Dispose();
        File.Delete(_log);
    }

    /// <summary>A hook that appends "stage status netns" to the log; the status comes from the state on stdin.</summary>
    private JsonObject LogHook(string stage) => new()
    {
        ["path"] = "/bin/sh",
        ["args"] = new JsonArray("sh", "-c",
            $"s=$(cat); st=$(echo \"$s\" | sed 's/.*\"status\":\"\\([a-z]*\\)\".*/\\1/'); echo {stage} $st $(readlink /proc/self/ns/net) >> {_log}"),
    };

    [Fact]
    public void Every_stage_runs_in_order_in_its_namespace_with_the_state_on_stdin()
    {
        var r = rt.Run(["sh", "-c", "echo main"], c => c["hooks"] = new JsonObject
        {
            ["prestart"] = new JsonArray(LogHook("prestart")),
            ["createRuntime"] = new JsonArray(LogHook("createRuntime")),
            ["createContainer"] = new JsonArray(LogHook("createContainer")),
            // startContainer runs inside the container (its /bin/sh): it reports on the container's stdout.
            ["startContainer"] = new JsonArray(new JsonObject
            {
                ["path"] = "/bin/sh",
                ["args"] = new JsonArray("sh", "-c", "echo startContainer $(cat | sed 's/.*\"status\":\"\\([a-z]*\\)\".*/\\1/')"),
            }),
            ["poststart"] = new JsonArray(LogHook("poststart")),
            ["poststop"] = new JsonArray(LogHook("poststop")),
        });
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("startContainer created\nmain\n", r.Stdout);

        string hostNet = new FileInfo("/proc/self/ns/net").LinkTarget!;
        var lines = File.ReadAllLines(_log).Select(l => l.Split(' ')).ToArray();
        Assert.Equal(["prestart", "createRuntime", "createContainer", "poststart", "poststop"], lines.Select(l => l[0]));
        Assert.Equal(["creating", "creating", "creating", "running", "stopped"], lines.Select(l => l[1]));
        Assert.Equal(hostNet, lines[0][2]);
        Assert.Equal(hostNet, lines[1][2]);
        Assert.NotEqual(hostNet, lines[2][2]);   // createContainer: in the container's namespaces
        Assert.Equal(hostNet, lines[3][2]);
        Assert.Equal(hostNet, lines[4][2]);
    }

    [Fact]
    public void A_failing_createRuntime_hook_fails_create_and_leaves_nothing()
    {
        string bundle = rt.Bundle(["true"], c => c["hooks"] = new JsonObject
        {
            ["createRuntime"] = new JsonArray(new JsonObject { ["path"] = "/bin/sh", ["args"] = new JsonArray("sh", "-c", "exit 3") }),
        });
        var r = rt.Mydocker("create", "--bundle", bundle, "hookfail");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Equal("mydocker: hooks.createRuntime[0]: /bin/sh exited with status 3\n", r.Stderr);
        Assert.Empty(rt.ContainerDirs());
        Assert.DoesNotContain(Directory.GetDirectories("/proc"), d =>
            File.Exists(d + "/environ") && SafeRead(d + "/environ").Contains(rt.Root));
    }

    [Fact]
    public void A_hook_past_its_timeout_is_killed_and_fails_create()
    {
        string bundle = rt.Bundle(["true"], c => c["hooks"] = new JsonObject
        {
            ["prestart"] = new JsonArray(new JsonObject { ["path"] = "/bin/sleep", ["args"] = new JsonArray("sleep", "30"), ["timeout"] = 1 }),
        });
        var r = rt.Mydocker("create", "--bundle", bundle, "slowhook");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Equal("mydocker: hooks.prestart[0]: /bin/sleep timed out after 1s\n", r.Stderr);
        Assert.Empty(rt.ContainerDirs());
    }

    [Theory]
    [InlineData("prestart")]
    [InlineData("createRuntime")]
    public void A_timed_out_hook_is_killed_with_every_process_it_started(string stage)
    {
        // A unique sleep length marks this hook's processes in /proc/*/cmdline: the shell and its two sleeps.
        string marker = (1_000_000 + Random.Shared.Next(1_000_000)).ToString();
        string bundle = rt.Bundle(["true"], c => c["hooks"] = new JsonObject
        {
            [stage] = new JsonArray(new JsonObject
            {
                ["path"] = "/bin/sh",
                ["args"] = new JsonArray("sh", "-c", $"sleep {marker} & sleep {marker}; true"),
                ["timeout"] = 1,
            }),
        });
        try
        {
            var r = rt.Mydocker("create", "--bundle", bundle, "grouphook");
            Assert.NotEqual(0, r.ExitCode);
            Assert.Equal($"mydocker: hooks.{stage}[0]: /bin/sh timed out after 1s\n", r.Stderr);
            Assert.Empty(rt.ContainerDirs());
            Assert.Empty(ProcessesWith(marker));
        }
        finally
        {
            foreach (int pid in ProcessesWith(marker)) KillQuietly(pid);
        }
    }

    [Theory]
    [InlineData("createRuntime")]   // run by the runtime process
    [InlineData("createContainer")] // run by the container's init
    public void A_hook_starts_with_default_signal_dispositions_and_an_empty_signal_mask(string stage)
    {
        // .NET ignores SIGPIPE; an ignored signal stays ignored across execve unless the spawn resets it.
        var r = rt.Run(["true"], c => c["hooks"] = new JsonObject
        {
            [stage] = new JsonArray(new JsonObject
            {
                ["path"] = "/bin/sh",
                ["args"] = new JsonArray("sh", "-c", $"cat >/dev/null; grep -E '^Sig(Ign|Blk):' /proc/self/status >> {_log}"),
            }),
        });
        Assert.True(r.ExitCode == 0, r.ToString());
        var lines = File.ReadAllLines(_log);
        Assert.Equal(["SigBlk:\t0000000000000000", "SigIgn:\t0000000000000000"], lines);
    }

    [Fact]
    public void A_failing_poststart_hook_is_only_a_warning()
    {
        var r = rt.Run(["sh", "-c", "echo ran"], c => c["hooks"] = new JsonObject
        {
            ["poststart"] = new JsonArray(new JsonObject { ["path"] = "/bin/false" }),
        });
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("ran\n", r.Stdout);
        Assert.Contains("warning: hooks.poststart[0]: /bin/false exited with status 1", r.Stderr);
    }

    [Fact]
    public void Hook_args_keep_argv0_and_env_is_exactly_the_configured_one()
    {
        var r = rt.Run(["true"], c => c["hooks"] = new JsonObject
        {
            ["prestart"] = new JsonArray(new JsonObject
            {
                ["path"] = "/bin/sh",
                ["args"] = new JsonArray("custom-argv0", "-c", $"echo $0 >> {_log}; exec /usr/bin/env >> {_log}"),
                ["env"] = new JsonArray("A=1"),
            }),
        });
        Assert.True(r.ExitCode == 0, r.ToString());
        var lines = File.ReadAllLines(_log);
        Assert.Equal("custom-argv0", lines[0]);
        var env = lines.Skip(1).ToArray();
        Assert.Contains("A=1", env);
        // Nothing inherited from the runtime's environment (the shell may add its own PWD).
        Assert.DoesNotContain(env, l => l.StartsWith("PATH=") || l.StartsWith("HOME=") || l.StartsWith("_MYDOCKER"));
    }

    /// <summary>The pids whose /proc/PID/cmdline contains the given text (arguments are NUL-separated).</summary>
    private static List<int> ProcessesWith(string cmdlinePart)
    {
        var pids = new List<int>();
        foreach (string d in Directory.GetDirectories("/proc"))
            if (int.TryParse(Path.GetFileName(d), out int pid) && SafeRead(d + "/cmdline").Contains(cmdlinePart))
                pids.Add(pid);
        return pids;
    }

    private static void KillQuietly(int pid)
    {
        try { System.Diagnostics.Process.GetProcessById(pid).Kill(); } catch (ArgumentException) { } catch (InvalidOperationException) { }
    }

    private static string SafeRead(string f)
    {
        try { return File.ReadAllText(f); } catch (IOException) { return ""; } catch (UnauthorizedAccessException) { return ""; }
    }
}
