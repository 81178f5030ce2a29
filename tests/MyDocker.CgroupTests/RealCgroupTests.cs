using System.Diagnostics;
using Process = System.Diagnostics.Process;
using MyDocker.Runtime.Cgroups;
using MyDocker.Runtime.Cgroups.V2.Devices;
using MyDocker.Spec;
using MyDocker.Spec.Model;

namespace MyDocker.CgroupTests;

/// <summary>
/// The manager on this host's real cgroupfs, with real processes moved into the cgroups (root needed,
/// like the integration tests). Every cgroup is under "/mydocker-test-&lt;guid&gt;" and removed by the test
/// (Destroy is what is tested; Dispose removes leftovers if a test failed half way).
/// </summary>
public sealed class RealCgroupTests : IDisposable
{
    private readonly string top = $"/mydocker-test-{Guid.NewGuid():N}"[..26];
    private readonly List<Process> processes = new();
    private readonly List<string> extraDirs = new();

    public RealCgroupTests()
    {
        if (!File.ReadAllLines("/proc/self/status").Any(l => l.StartsWith("Uid:") && l.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1] == "0"))
            throw new InvalidOperationException("RealCgroupTests move processes between cgroups and must run as root");
    }

    public void Dispose()
    {
        foreach (var p in processes)
        {
            try { if (!p.HasExited) { p.Kill(); p.WaitForExit(5000); } } catch (InvalidOperationException) { }
            p.Dispose();
        }
        var layout = CgroupLayout.Current;
        var mounts = layout.V1.Select(h => h.MountPoint).Concat(layout.UnifiedMountPoint is string u ? [u] : Array.Empty<string>());
        foreach (string dir in mounts.Select(m => m + top).Concat(extraDirs))
            RemoveAll(dir);
    }

    private static void RemoveAll(string dir)
    {
        if (!Directory.Exists(dir)) return;
        foreach (string sub in Directory.GetDirectories(dir)) RemoveAll(sub);
        try { Directory.Delete(dir); } catch (IOException) { }
    }

    private ICgroupManager NewManager(string leaf = "c1") =>
        CgroupManager.For("c1", new Linux { CgroupsPath = $"{top}/{leaf}" }, _ => { });

    /// <summary>A /bin/sh that waits for one line on stdin before running <paramref name="script"/> (so it can be moved first).</summary>
    private Process Shell(string script)
    {
        var psi = new ProcessStartInfo("/bin/sh") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("read _; " + script);
        var p = Process.Start(psi)!;
        processes.Add(p);
        return p;
    }

    private static string Go(Process p)
    {
        p.StandardInput.WriteLine();
        p.StandardInput.Close();
        string output = p.StandardOutput.ReadToEnd();
        Assert.True(p.WaitForExit(20_000), "the shell did not finish");
        return output;
    }

    private static string OwnCgroupLine(int pid, string key) =>
        File.ReadAllLines($"/proc/{pid}/cgroup").First(l => l.Split(':')[1] == key);

    [Fact]
    public void A_process_is_limited_counted_frozen_signalled_and_the_cgroups_removed()
    {
        var m = NewManager();
        m.Create();
        Assert.All(m.Paths, p => Assert.True(Directory.Exists(p), p));
        var resources = new Resources
        {
            Memory = new Memory { Limit = 64 << 20 },
            Pids = new Pids { Limit = 10 },
            Cpu = new Cpu { Shares = 512, Quota = 20000, Period = 100000 },
        };
        m.Apply(resources);
        var sh = Shell("exec sleep 60");
        m.AddProcess(sh.Id);
        m.ApplyMemoryLimits(resources); // as create does: once the process is in
        Assert.Contains(sh.Id, m.Pids());
        if (CgroupLayout.Current.Find("memory") != null)
            Assert.EndsWith($"{top}/c1", OwnCgroupLine(sh.Id, "memory"));

        var stats = m.Stats();
        Assert.Equal(64UL << 20, stats.Memory.Usage.Limit);
        Assert.Equal(10UL, stats.Pids.Limit);
        Assert.True(stats.Pids.Current >= 1);

        m.Freeze();
        Assert.True(m.IsFrozen());
        m.Thaw();
        Assert.False(m.IsFrozen());

        m.Signal(15);
        Assert.True(sh.WaitForExit(5000), "SIGTERM to every process did not end sleep");
        m.Destroy();
        Assert.All(m.Paths, p => Assert.False(Directory.Exists(p), p));
        // The parents stay for the next container (runc leaves them too); a failed create removes them.
        Assert.All(m.CreatedPaths.Except(m.Paths), p => Assert.True(Directory.Exists(p), p));
        m.Destroy(parentsToo: true);
        Assert.All(m.CreatedPaths, p => Assert.False(Directory.Exists(p), p));
    }

    [Fact]
    public void The_kernel_refuses_a_memory_limit_below_what_the_cgroup_uses_and_nobody_is_killed()
    {
        if (CgroupLayout.Current.Find("memory") == null && CgroupLayout.Current.UnifiedMountPoint == null) return;
        var m = NewManager();
        m.Create();
        m.Apply(null);
        var sh = Shell("exec sleep 60");
        m.AddProcess(sh.Id);
        // Charges stay where they were made: let it exec sleep in the cgroup, so the cgroup uses memory.
        sh.StandardInput.WriteLine();
        sh.StandardInput.Flush();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (File.ReadAllText($"/proc/{sh.Id}/comm").Trim() != "sleep" && DateTime.UtcNow < deadline) Thread.Sleep(10);
        var e = Assert.Throws<MyDockerException>(() => m.ApplyMemoryLimits(new Resources { Memory = new Memory { Limit = 4096 } }));
        Assert.Matches("^linux.resources.memory.limit: unable to set memory limit to 4096 \\(current usage: [0-9]+, peak usage: [0-9]+\\)$", e.Message);
        Assert.False(sh.HasExited);
        Assert.True(m.Stats().Memory.Usage.Limit > 1UL << 40, "the limit stayed unlimited");
        m.Destroy();
    }

    [Fact]
    public void Destroy_kills_what_is_left_even_when_frozen()
    {
        var m = NewManager();
        m.Create();
        m.Apply(null);
        var sh = Shell("sleep 60 & sleep 60 & wait");
        m.AddProcess(sh.Id);
        sh.StandardInput.WriteLine();
        sh.StandardInput.Flush();
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (m.Pids().Count < 3 && DateTime.UtcNow < deadline) Thread.Sleep(10);
        Assert.Equal(3, m.Pids().Count);
        m.Freeze();
        m.Destroy();
        Assert.True(sh.WaitForExit(5000));
        Assert.All(m.Paths, p => Assert.False(Directory.Exists(p), p));
    }

    [Fact]
    public void Destroy_from_the_record_after_the_processes_were_killed()
    {
        var m = NewManager();
        m.Create();
        var sh = Shell("exec sleep 60");
        m.AddProcess(sh.Id);
        sh.Kill();
        sh.WaitForExit();
        var again = CgroupManager.Open("c1", new Linux(), m.Paths, m.CreatedPaths, _ => { });
        Assert.Equal(m.Paths, again.Paths);
        again.Destroy(parentsToo: true);
        Assert.All(m.CreatedPaths, p => Assert.False(Directory.Exists(p), p));
    }

    [Fact]
    public void Device_rules_are_enforced()
    {
        var m = NewManager();
        m.Create();
        m.Apply(new Resources { Devices = [new DeviceCgroupRule { Allow = true, Type = "c", Major = 1, Minor = 11, Access = "r" }] });
        var sh = Shell(DeviceProbe);
        m.AddProcess(sh.Id);
        // null: a default rule; kmsg (c 1:11): read allowed by the config; loop-control (c 10:237): nothing allows it.
        Assert.Equal("null:rw kmsg:r- loop-control:-- \n", Go(sh));
        m.Destroy();
    }

    /// <summary>Opens /dev/null, /dev/kmsg and /dev/loop-control for reading and for writing: "name:rw" ("-" where refused).</summary>
    private const string DeviceProbe =
        "for d in null kmsg loop-control; do r=-; w=-; (exec 3</dev/$d) 2>&- && r=r; (exec 3>/dev/$d) 2>&- && w=w; printf '%s:%s%s ' $d $r $w; done; echo";

    [Fact]
    public void The_ebpf_device_filter_is_enforced_by_the_kernel()
    {
        string? unified = CgroupLayout.Current.UnifiedMountPoint;
        Assert.True(unified != null, "this host has no cgroup2 mount to attach an eBPF device filter to");
        string dir = unified + top;
        extraDirs.Add(dir);
        Directory.CreateDirectory(dir);
        var program = DeviceFilter.Build(
        [
            new DeviceRule(true, 'a', -1, -1, "rwm"),
            new DeviceRule(false, 'c', 10, 237, "rwm"), // no /dev/loop-control
            new DeviceRule(false, 'c', 1, 11, "w"),     // /dev/kmsg read-only
        ]);
        DeviceProgram.Attach(dir, program, "test");
        Assert.Single(DeviceProgram.QueryPath(dir));
        DeviceProgram.Attach(dir, program, "test"); // again: replaces, does not add
        Assert.Single(DeviceProgram.QueryPath(dir));

        var sh = Shell(DeviceProbe);
        File.WriteAllText(Path.Combine(dir, "cgroup.procs"), sh.Id.ToString());
        Assert.Equal("null:rw kmsg:r- loop-control:-- \n", Go(sh));
        Directory.Delete(dir);
    }

    /// <summary>
    /// The V2 code paths on this host's REAL cgroup2 mount (/sys/fs/cgroup/unified on a hybrid host),
    /// seen as if the host were unified: procs, cgroup.freeze, cgroup.kill, hugetlb, rmdir.
    /// Controllers this v2 tree lacks (memory, cpu, pids live on v1 here) are covered by the
    /// V2ManagerTests on a directory tree built like a v2 cgroupfs.
    /// </summary>
    [Fact]
    public void V2_paths_on_the_real_cgroup2_mount_freeze_kill_hugetlb_and_procs()
    {
        var host = CgroupLayout.Current;
        if (host.UnifiedMountPoint is not string unified)
            throw new InvalidOperationException("this host has no cgroup2 mount: the v2 code paths cannot be tried on a real one here");
        var v2Only = new CgroupLayout(CgroupMode.Unified, [], unified, "/", new Dictionary<string, string> { [""] = "/" }, systemdIsInit: false);
        var m = CgroupManager.For("v2c", new Linux { CgroupsPath = $"{top}/v2" }, v2Only, CgroupFiles.Real, _ => { });
        m.Create();
        string dir = Assert.Single(m.Paths);
        Assert.StartsWith(unified + top, dir);
        bool hugetlb = File.ReadAllText(Path.Combine(unified, "cgroup.controllers")).Split(' ', '\n').Contains("hugetlb");
        m.Apply(hugetlb ? new Resources { HugepageLimits = [new HugepageLimit { PageSize = "2MB", Limit = 4 << 21 }] } : null);
        if (hugetlb) Assert.Equal((4 << 21).ToString(), File.ReadAllText(Path.Combine(dir, "hugetlb.2MB.max")).Trim());

        var sh = Shell("exec sleep 60");
        m.AddProcess(sh.Id);
        Assert.Contains(sh.Id.ToString(), File.ReadAllLines(Path.Combine(dir, "cgroup.procs")));
        Assert.Contains(sh.Id, m.Pids());

        m.Freeze();
        Assert.Equal("1", File.ReadAllText(Path.Combine(dir, "cgroup.freeze")).Trim());
        Assert.True(m.IsFrozen());
        m.Thaw();
        Assert.False(m.IsFrozen());

        m.Signal(9); // SIGKILL: through cgroup.kill on a kernel that has it
        Assert.True(sh.WaitForExit(5000), "SIGKILL through the v2 cgroup did not end sleep");
        m.Destroy();
        Assert.False(Directory.Exists(dir));
    }
}
