using System.Globalization;
using System.Text.Json.Nodes;
using MyDocker.IntegrationTests.Harness;

namespace MyDocker.IntegrationTests;

/// <summary>
/// config-linux.md "Control groups" with real containers: limits the kernel enforces (memory, CPU
/// quota, pids), the stats that show it, and no cgroup directory left after delete.
/// Each test puts its container under its own "/mydocker-it-&lt;guid&gt;" (linux.cgroupsPath) and checks
/// the host's cgroupfs directly; Dispose removes anything a failed test left.
/// </summary>
[Collection("runtime")]
public sealed class CgroupTests(RuntimeFixture fx) : IDisposable
{
    private readonly TestRuntime rt = new(fx);
    private readonly string top = $"/mydocker-it-{Guid.NewGuid():N}"[..24];

    public void Dispose()
    {
        rt.Dispose(); // delete --force of every container first
        foreach (string mount in HostCgroups.Mounts())
            HostCgroups.RemoveAll(mount + top);
    }

    private string CgroupsPath(string id) => $"{top}/{id}";

    /// <summary>A bundle whose cgroup is /mydocker-it-…/&lt;id&gt; with the given linux.resources.</summary>
    private string Bundle(string id, string[] args, JsonObject? resources)
    {
        return rt.Bundle(args, c =>
        {
            c["linux"]!["cgroupsPath"] = CgroupsPath(id);
            if (resources != null) c["linux"]!["resources"] = resources;
        });
    }

    private void CreateAndStart(string id, string[] args, JsonObject? resources)
    {
        var c = rt.Mydocker("create", "--bundle", Bundle(id, args, resources), id);
        Assert.True(c.ExitCode == 0, c.ToString());
        var s = rt.Mydocker("start", id);
        Assert.True(s.ExitCode == 0, s.ToString());
    }

    private string Status(string id) => JsonNode.Parse(rt.Mydocker("state", id).Stdout)?["status"]?.GetValue<string>() ?? "";

    private int InitPid(string id) => JsonNode.Parse(rt.Mydocker("state", id).Stdout)!["pid"]!.GetValue<int>();

    private static void WaitFor(Func<bool> condition, int timeoutMs = 15_000, string what = "condition")
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{what} not reached within {timeoutMs} ms");
            Thread.Sleep(50);
        }
    }

    private static JsonObject Memory100M() => new()
    {
        // swap = limit: no room in swap either, so going over the limit can only end in the OOM killer.
        ["memory"] = new JsonObject { ["limit"] = 100L << 20, ["swap"] = 100L << 20 },
    };

    // busybox tail keeps its input's last 10 lines in memory: 200 MB without a newline is one line.
    private const string Allocate200M = "head -c 200m /dev/zero | tail > /dev/null";

    [Fact]
    public void A_200MB_allocation_over_a_100MB_limit_is_oom_killed()
    {
        var r = rt.Run(["sh", "-c", Allocate200M + "; echo rc=$?"], c =>
        {
            c["linux"]!["cgroupsPath"] = CgroupsPath("oom");
            c["linux"]!["resources"] = Memory100M();
        });
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("rc=137\n", r.Stdout); // tail died of SIGKILL (128 + 9)
    }

    [Fact]
    public void The_oom_kill_shows_in_the_cgroup_and_in_events_stats()
    {
        CreateAndStart("oomstat", ["sh", "-c", Allocate200M + "; sleep 60"], Memory100M());
        string dir = HostCgroups.Dir("memory", CgroupsPath("oomstat"));
        WaitFor(() => HostCgroups.OomKills(dir) >= 1, what: "an oom_kill in " + dir);

        var e = rt.Mydocker("events", "--stats", "oomstat");
        Assert.True(e.ExitCode == 0, e.ToString());
        var ev = JsonNode.Parse(e.Stdout.Trim().Split('\n')[0])!;
        Assert.Equal("stats", ev["type"]!.GetValue<string>());
        Assert.Equal("oomstat", ev["id"]!.GetValue<string>());
        var memory = ev["data"]!["memory"]!;
        Assert.Equal(100UL << 20, memory["usage"]!["limit"]!.GetValue<ulong>());
        // (failcnt is not asserted: recent kernels count failures on the memsw counter, or not at all.)
        Assert.True(memory["raw"]!["oom_kill"]!.GetValue<ulong>() >= 1, e.Stdout);
        Assert.True(ev["data"]!["pids"]!["current"]!.GetValue<ulong>() >= 1, e.Stdout);
    }

    [Fact]
    public void A_half_cpu_quota_holds_a_busy_loop_to_half_a_cpu()
    {
        var resources = new JsonObject { ["cpu"] = new JsonObject { ["quota"] = 50000, ["period"] = 100000 } };
        CreateAndStart("busy", ["sh", "-c", "while :; do :; done"], resources);
        string path = CgroupsPath("busy");
        Thread.Sleep(500); // past the start
        ulong used0 = HostCgroups.CpuNanoseconds(path);
        var t0 = DateTime.UtcNow;
        Thread.Sleep(4000);
        ulong used1 = HostCgroups.CpuNanoseconds(path);
        double wall = (DateTime.UtcNow - t0).TotalMilliseconds * 1e6;
        double share = (used1 - used0) / wall;
        Assert.True(share <= 0.55, $"the container used {share:P1} of a CPU with a 50% quota");
        Assert.True(share >= 0.30, $"the container used only {share:P1} of a CPU: was the loop running?");
    }

    [Fact]
    public void A_pids_limit_of_20_stops_a_fork_loop()
    {
        var resources = new JsonObject { ["pids"] = new JsonObject { ["limit"] = 20 } };
        // Each iteration forks a sleep; past the limit fork fails (EAGAIN) and the shell reports it.
        CreateAndStart("forks", ["sh", "-c", "i=0; while [ $i -lt 100 ]; do sleep 60 & i=$((i+1)); done; sleep 60"], resources);
        string dir = HostCgroups.Dir("pids", CgroupsPath("forks"));
        WaitFor(() => HostCgroups.PidsLimitHits(dir) >= 1, what: "a refused fork in " + dir);
        Assert.True(HostCgroups.Number(dir, "pids.current") <= 20);
        Assert.Equal("20", File.ReadAllText(Path.Combine(dir, "pids.max")).Trim());
    }

    [Fact]
    public void Delete_removes_every_cgroup_directory()
    {
        CreateAndStart("gone", ["sleep", "60"], null);
        var dirs = HostCgroups.Mounts().Select(m => m + CgroupsPath("gone")).ToList();
        Assert.All(dirs, d => Assert.True(Directory.Exists(d), d));
        int pid = InitPid("gone");
        Assert.Contains(pid.ToString(), File.ReadAllText(Path.Combine(dirs[0], "cgroup.procs")).Split('\n'));

        var d = rt.Mydocker("delete", "--force", "gone");
        Assert.True(d.ExitCode == 0, d.ToString());
        Assert.All(dirs, x => Assert.False(Directory.Exists(x), x));
        // The parent stays, empty, for the next container (as runc leaves its parents); Dispose removes it.
        Assert.All(HostCgroups.Mounts(), m => Assert.Empty(Directory.GetDirectories(m + top)));
    }

    [Fact]
    public void A_create_that_fails_on_a_limit_leaves_no_cgroup_not_even_the_parent_it_made()
    {
        // cpu.cfs_period_us below 1000 µs: the kernel refuses it (EINVAL), after the clone.
        var c = rt.Mydocker("create", "--bundle", Bundle("bad", ["sleep", "60"], new JsonObject { ["cpu"] = new JsonObject { ["period"] = 100, ["quota"] = 50 } }), "bad");
        Assert.NotEqual(0, c.ExitCode);
        Assert.Contains("linux.resources.cpu", c.Stderr);
        Assert.All(HostCgroups.Mounts(), m => Assert.False(Directory.Exists(m + top), m + top));
        Assert.Equal(1, rt.Mydocker("state", "bad").ExitCode);
    }

    [Fact]
    public void Delete_removes_the_cgroups_after_the_container_was_sigkilled()
    {
        CreateAndStart("killed", ["sh", "-c", "sleep 60 & sleep 60 & wait"], null);
        int pid = InitPid("killed");
        Assert.True(HostCgroups.Kill(pid));
        WaitFor(() => Status("killed") == "stopped", what: "stopped");
        var d = rt.Mydocker("delete", "killed");
        Assert.True(d.ExitCode == 0, d.ToString());
        Assert.All(HostCgroups.Mounts(), m => Assert.False(Directory.Exists(m + CgroupsPath("killed")), m + CgroupsPath("killed")));
        Assert.All(HostCgroups.Mounts(), m => Assert.Empty(Directory.GetDirectories(m + top)));
    }

    [Fact]
    public void Init_and_exec_processes_are_born_in_every_hierarchy_and_the_runtime_stays_out()
    {
        // CloneIntoCgroups: init starts in the container's cgroup of every hierarchy (v1 `tasks`
        // visit, v2 CLONE_INTO_CGROUP) instead of being moved there; the same for an exec'd process.
        CreateAndStart("born", ["sleep", "60"], null);
        string Cgroups(int pid) => File.ReadAllText($"/proc/{pid}/cgroup");
        int init = InitPid("born");
        var lines = Cgroups(init).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(HostCgroups.Mounts().Count, lines.Length);
        Assert.All(lines, l => Assert.EndsWith(":" + CgroupsPath("born"), l));

        var e = rt.Mydocker("exec", "born", "cat", "/proc/self/cgroup");
        Assert.True(e.ExitCode == 0, e.ToString());
        var execLines = e.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(lines.Length, execLines.Length);
        // "/" inside the container's cgroup namespace, the container's path without one; elsewhere would be "/.." or ours.
        Assert.All(execLines, l => Assert.True(l.EndsWith(":/") || l.EndsWith(":" + CgroupsPath("born")), e.Stdout));

        // The runtime's thread went back: none of the container's cgroups lists anything but init.
        string procs = File.ReadAllText(Path.Combine(HostCgroups.Mounts()[0] + CgroupsPath("born"), "cgroup.procs"));
        Assert.Equal(init.ToString(), procs.Trim());
    }

    [Fact]
    public void With_a_tiny_pids_limit_init_is_in_every_hierarchy_too()
    {
        // The limit is written after init's birth (CreateOperation), so the visit of CloneIntoCgroups has room.
        CreateAndStart("tiny", ["sleep", "60"], new JsonObject { ["pids"] = new JsonObject { ["limit"] = 6 } });
        int init = InitPid("tiny");
        var lines = File.ReadAllText($"/proc/{init}/cgroup").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(HostCgroups.Mounts().Count, lines.Length);
        Assert.All(lines, l => Assert.EndsWith(":" + CgroupsPath("tiny"), l));
    }

    [Fact]
    public void Without_cgroupsPath_the_container_is_in_mydocker_slash_its_id()
    {
        string id = $"dflt{Guid.NewGuid():N}"[..12];
        var c = rt.Mydocker("create", "--bundle", rt.Bundle(["sleep", "60"]), id);
        Assert.True(c.ExitCode == 0, c.ToString());
        string dir = HostCgroups.Dir("memory", $"/mydocker/{id}");
        Assert.True(Directory.Exists(dir), dir);
        Assert.Contains(InitPid(id).ToString(), File.ReadAllText(Path.Combine(dir, "cgroup.procs")).Split('\n'));
        Assert.Equal(0, rt.Mydocker("delete", "--force", id).ExitCode);
        Assert.False(Directory.Exists(dir), dir);
    }
}

/// <summary>The host's cgroup mounts and files, read straight from /proc/self/mountinfo and cgroupfs.</summary>
internal static class HostCgroups
{
    private static List<(string Mount, string FsType, string[] Options)> Cgroups() =>
        File.ReadAllLines("/proc/self/mountinfo")
            .Select(l => l.Split(' '))
            .Select(f => (f, dash: Array.IndexOf(f, "-")))
            .Where(x => x.dash > 0 && x.f[x.dash + 1] is "cgroup" or "cgroup2")
            .Select(x => (x.f[4], x.f[x.dash + 1], x.f[x.dash + 3].Split(',')))
            .GroupBy(x => x.Item1).Select(g => g.First())
            .ToList();

    /// <summary>Every hierarchy's mount point (a container's cgroup has a directory in each).</summary>
    public static List<string> Mounts()
    {
        var all = Cgroups();
        if (all.Any(c => c.Mount == "/sys/fs/cgroup" && c.FsType == "cgroup2")) return ["/sys/fs/cgroup"];
        return all.Select(c => c.Mount).ToList();
    }

    /// <summary>The directory of cgroup <paramref name="path"/> where <paramref name="controller"/> is: its v1 hierarchy, else cgroup2.</summary>
    public static string Dir(string controller, string path)
    {
        var all = Cgroups();
        var v1 = all.FirstOrDefault(c => c.FsType == "cgroup" && c.Options.Contains(controller));
        if (v1.Mount != null) return v1.Mount + path;
        var v2 = all.First(c => c.FsType == "cgroup2");
        return v2.Mount + path;
    }

    public static bool IsV1(string controller) => Cgroups().Any(c => c.FsType == "cgroup" && c.Options.Contains(controller));

    public static ulong Number(string dir, string file) =>
        ulong.Parse(File.ReadAllText(Path.Combine(dir, file)).Trim(), CultureInfo.InvariantCulture);

    private static ulong Key(string dir, string file, string key)
    {
        foreach (string line in File.ReadAllLines(Path.Combine(dir, file)))
        {
            var f = line.Split(' ');
            if (f.Length == 2 && f[0] == key) return ulong.Parse(f[1], CultureInfo.InvariantCulture);
        }
        return 0;
    }

    /// <summary>OOM kills in the cgroup: memory.oom_control (v1) or memory.events (v2), "oom_kill".</summary>
    public static ulong OomKills(string dir) =>
        File.Exists(Path.Combine(dir, "memory.oom_control")) ? Key(dir, "memory.oom_control", "oom_kill") : Key(dir, "memory.events", "oom_kill");

    /// <summary>Forks refused by pids.max: the "max" count of pids.events (v1 and v2).</summary>
    public static ulong PidsLimitHits(string dir) => Key(dir, "pids.events", "max");

    /// <summary>CPU time used by the cgroup: cpuacct.usage (v1, ns) or cpu.stat usage_usec (v2).</summary>
    public static ulong CpuNanoseconds(string path)
    {
        if (IsV1("cpuacct")) return Number(Dir("cpuacct", path), "cpuacct.usage");
        return Key(Dir("cpu", path), "cpu.stat", "usage_usec") * 1000;
    }

    public static bool Kill(int pid)
    {
        try { System.Diagnostics.Process.GetProcessById(pid).Kill(); return true; }
        catch (ArgumentException) { return false; }
    }

    /// <summary>rmdir of a cgroup tree, depth first (leftovers of a failed test).</summary>
    public static void RemoveAll(string dir)
    {
        if (!Directory.Exists(dir)) return;
        foreach (string sub in Directory.GetDirectories(dir)) RemoveAll(sub);
        try { Directory.Delete(dir); } catch (IOException) { }
    }
}
