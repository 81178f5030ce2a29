using System.Text.Json.Nodes;
using MyDocker.IntegrationTests.Harness;

namespace MyDocker.IntegrationTests;

/// <summary>The verbs that work through the container's cgroup: pause/resume, ps, update, kill --all, events.</summary>
[Collection("runtime")]
public sealed class CgroupVerbTests(RuntimeFixture fx) : IDisposable
{
    private readonly TestRuntime rt = new(fx);
    public void Dispose() => rt.Dispose();

    private int Start(string id, string[] args)
    {
        var r = rt.Mydocker("run", "-d", "--bundle", rt.Bundle(args), id);
        Assert.True(r.ExitCode == 0, r.ToString());
        return NamespaceTests.StatePid(rt.Mydocker("state", id).Stdout);
    }

    private string Status(string id) => JsonNode.Parse(rt.Mydocker("state", id).Stdout)!["status"]!.GetValue<string>();

    private static long CounterOf(int pid) =>
        long.Parse(File.ReadAllText($"/proc/{pid}/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[11]); // utime

    [Fact]
    public void A_paused_container_makes_no_progress_and_resumes()
    {
        int pid = Start("pz", ["sh", "-c", "while :; do :; done"]);
        Assert.Equal(0, rt.Mydocker("pause", "pz").ExitCode);
        Assert.Equal("paused", Status("pz"));
        long before = CounterOf(pid);
        Thread.Sleep(500);
        Assert.Equal(before, CounterOf(pid));
        Assert.NotEqual(0, rt.Mydocker("pause", "pz").ExitCode); // already paused

        Assert.Equal(0, rt.Mydocker("resume", "pz").ExitCode);
        Assert.Equal("running", Status("pz"));
        LifecycleTests.WaitFor(() => CounterOf(pid) > before, 5000);
        Assert.NotEqual(0, rt.Mydocker("resume", "pz").ExitCode); // not paused
    }

    [Fact]
    public void Delete_force_of_a_paused_container_works()
    {
        Start("pzd", ["sleep", "60"]);
        Assert.Equal(0, rt.Mydocker("pause", "pzd").ExitCode);
        var r = rt.Mydocker("delete", "--force", "pzd");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Empty(rt.ContainerDirs());
    }

    [Fact]
    public void Ps_lists_the_containers_processes()
    {
        int pid = Start("ps1", ["sh", "-c", "sleep 60 & sleep 61"]);
        LifecycleTests.WaitFor(() => rt.Mydocker("ps", "--format", "json", "ps1").Stdout.Split(',').Length >= 2);
        var json = JsonNode.Parse(rt.Mydocker("ps", "--format", "json", "ps1").Stdout)!.AsArray().Select(n => n!.GetValue<int>()).ToList();
        Assert.Contains(pid, json);
        Assert.Equal(2, json.Count);
        var table = rt.Mydocker("ps", "ps1");
        Assert.True(table.ExitCode == 0, table.ToString());
        var rows = table.Stdout.Trim().Split('\n');
        Assert.Contains("PID", rows[0]);
        Assert.Equal(3, rows.Length);
        Assert.Contains(rows, l => l.Contains("sleep 61"));
    }

    [Fact]
    public void Update_changes_the_limits_of_a_running_container()
    {
        Start("up", ["sleep", "60"]);
        var r = rt.Mydocker("update", "--memory", "64m", "--pids-limit", "33", "up");
        Assert.True(r.ExitCode == 0, r.ToString());
        string mem = Directory.GetDirectories("/sys/fs/cgroup/memory/mydocker").Single(d => d.EndsWith("/up"));
        Assert.Equal((64L << 20).ToString(), File.ReadAllText(Path.Combine(mem, "memory.limit_in_bytes")).Trim());
        Assert.Equal("33", File.ReadAllText("/sys/fs/cgroup/pids/mydocker/up/pids.max").Trim());

        var bad = rt.Mydocker("update", "--memory", "10x", "up");
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Contains("--memory", bad.Stderr);
        Assert.Single(bad.Stderr.Trim().Split('\n'));

        var viaJson = rt.MydockerWithInput("""{"pids":{"limit":44}}""", "update", "--resources", "-", "up");
        Assert.True(viaJson.ExitCode == 0, viaJson.ToString());
        Assert.Equal("44", File.ReadAllText("/sys/fs/cgroup/pids/mydocker/up/pids.max").Trim());
    }

    [Fact]
    public void Kill_all_signals_every_process_of_the_cgroup()
    {
        Start("ka", ["sh", "-c", "sleep 60 & sleep 61"]);
        LifecycleTests.WaitFor(() => rt.Mydocker("ps", "--format", "json", "ka").Stdout.Split(',').Length >= 2);
        var pids = JsonNode.Parse(rt.Mydocker("ps", "--format", "json", "ka").Stdout)!.AsArray().Select(n => n!.GetValue<int>()).ToList();
        Assert.Equal(0, rt.Mydocker("kill", "--all", "ka", "KILL").ExitCode);
        LifecycleTests.WaitFor(() => pids.All(p => !File.Exists($"/proc/{p}/stat") || File.ReadAllText($"/proc/{p}/stat").Contains(") Z")));
    }

    [Fact]
    public void Events_stats_reports_memory_and_pids_in_runcs_shape()
    {
        Start("ev", ["sleep", "60"]);
        var r = rt.Mydocker("events", "--stats", "ev");
        Assert.True(r.ExitCode == 0, r.ToString());
        var ev = JsonNode.Parse(r.Stdout)!;
        Assert.Equal("stats", ev["type"]!.GetValue<string>());
        Assert.Equal("ev", ev["id"]!.GetValue<string>());
        Assert.True(ev["data"]!["memory"]!["usage"]!["usage"]!.GetValue<ulong>() > 0);
        Assert.Equal(1UL, ev["data"]!["pids"]!["current"]!.GetValue<ulong>());
    }
}
