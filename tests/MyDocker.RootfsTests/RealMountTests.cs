using System.Diagnostics;
using MyDocker.RootfsTests.Probe;
using MyDocker.Runtime.Rootfs;
using static MyDocker.Runtime.Interop.Libc;

namespace MyDocker.RootfsTests;

/// <summary>
/// Real mounts. The test process never unshares (it is multi-threaded, and its namespaces are
/// the host's): each scenario runs `dotnet MyDocker.RootfsTests.dll probe ...` under
/// `unshare -m` (and -U for the user-namespace case). The probe calls Prepare, PivotRoot and
/// Finish like the container's init, then a shell inside the new root prints what it sees.
/// When the probe exits its namespaces die with it, so nothing can stay mounted; each test
/// still checks that no mount is left below its temp dir.
/// </summary>
public class RealMountTests
{
    private sealed record Result(int ExitCode, string Stdout, string Stderr, Dictionary<string, string> Facts)
    {
        public string Fact(string key) =>
            Facts.TryGetValue(key, out var v) ? v : throw new Xunit.Sdk.XunitException($"probe printed no {key}=...\n{Stdout}\n{Stderr}");
    }

    private static Result RunScenario(Scenario scenario, TempDir tmp)
    {
        Assert.True(GetUid() == 0, "the real-mount tests need root (they run unshare -m and mount)");
        scenario.Layout(tmp.Path);

        var psi = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(scenario.Command(tmp.Path));
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            Assert.Fail($"scenario {scenario.Name} timed out");
        }
        p.WaitForExit(); // let the output readers finish

        // The probe's namespaces are gone: nothing of it may be mounted in ours.
        Assert.Empty(tmp.MountsBelow());

        var facts = new Dictionary<string, string>();
        foreach (string line in stdout.Result.Split('\n'))
        {
            int eq = line.IndexOf('=');
            if (eq > 0) facts[line[..eq]] = line[(eq + 1)..];
        }
        return new Result(p.ExitCode, stdout.Result, stderr.Result, facts);
    }

    private static void AssertOk(Result r) =>
        Assert.True(r.ExitCode == 0 && r.Facts.ContainsKey("step"), $"probe failed ({r.ExitCode}):\n{r.Stdout}\n{r.Stderr}");

    [Fact]
    public void FullConfigBuildsTheContainerView()
    {
        using var tmp = new TempDir();
        var r = RunScenario(Scenarios.Full, tmp);
        AssertOk(r);
        Assert.Equal("finished", r.Fact("step"));
        Assert.Equal("0", r.Fact("outer_leaks")); // default rslave: nothing came back out

        // PivotRoot: "/" is the rootfs, and only its entries are visible.
        Assert.Equal(tmp.Combine("rootfs"), r.Fact("root_source"));
        Assert.Equal("bin data dev etc lib lib64 proc run sbin sys usr var", r.Fact("top").Trim());
        // root.readonly
        Assert.Equal("no", r.Fact("root_writable"));
        Assert.StartsWith("ro", r.Fact("root_opts"));
        Assert.Contains("master:", r.Fact("usr_optional")); // rslave: still receives from the host

        // /dev: a tmpfs, made read-only only after the devices were created.
        Assert.Equal("tmpfs", r.Fact("dev_fs"));
        Assert.StartsWith("ro,nosuid", r.Fact("dev_opts"));
        Assert.Equal("no", r.Fact("dev_writable"));
        Assert.Equal("yes", r.Fact("devnull_writable"));
        Assert.Equal("character special file 1:3 666 0:0", r.Fact("dev_null"));
        Assert.Equal("character special file 1:5 640 0:0", r.Fact("dev_zero")); // linux.devices wins
        Assert.Equal("character special file 1:7 666 0:0", r.Fact("dev_full"));
        Assert.Equal("character special file 1:8 666 0:0", r.Fact("dev_random"));
        Assert.Equal("character special file 1:9 666 0:0", r.Fact("dev_urandom"));
        Assert.Equal("character special file 5:0 666 0:0", r.Fact("dev_tty"));
        Assert.Equal("character special file 1:3 600 1000:1000", r.Fact("dev_mynull"));
        Assert.Equal("fifo 666", r.Fact("dev_myfifo"));
        Assert.Equal("/proc/self/fd", r.Fact("link_fd"));
        Assert.Equal("/proc/self/fd/0", r.Fact("link_stdin"));
        Assert.Equal("/proc/self/fd/1", r.Fact("link_stdout"));
        Assert.Equal("/proc/self/fd/2", r.Fact("link_stderr"));
        Assert.Equal(File.Exists("/proc/kcore") ? "/proc/kcore" : "none", r.Fact("link_core"));
        Assert.Equal("pts/ptmx", r.Fact("link_ptmx"));
        Assert.Equal("devpts", r.Fact("pts_fs"));
        Assert.Equal("tmpfs", r.Fact("shm_fs"));
        Assert.Equal("mqueue", r.Fact("mqueue_fs"));
        Assert.StartsWith("ro,nosuid,nodev,noexec", r.Fact("sys_opts"));

        // cgroup: read-only, one mount per host hierarchy.
        Assert.StartsWith("ro,nosuid,nodev,noexec", r.Fact("cgroup_opts"));
        Assert.Equal("no", r.Fact("cgroup_writable"));
        if (CgroupMount.HostIsUnified())
        {
            Assert.Equal("cgroup2fs", r.Fact("cgroup_fs").Split(' ')[0]);
        }
        else
        {
            var hierarchies = CgroupMount.Hierarchies(MountInfo.ReadSelf());
            Assert.NotEmpty(hierarchies);
            foreach (var h in hierarchies)
                Assert.Equal(h.FsType == "cgroup2" ? "cgroup2fs ro" : "cgroupfs ro", r.Fact("cgroup_" + h.Name));
        }

        // Bind mounts: ro really is read-only; nosuid,nodev applied; relative source from the bundle.
        Assert.StartsWith("ro", r.Fact("usr_opts"));
        Assert.Equal("hello from the host", r.Fact("probe_file"));
        Assert.StartsWith("ro", r.Fact("probe_file_opts"));
        Assert.Equal("data", r.Fact("data"));
        Assert.StartsWith("rw,nosuid,nodev", r.Fact("data_opts"));
        Assert.Equal("yes", r.Fact("data_writable"));
        Assert.Equal("", r.Fact("data_optional").Trim()); // rprivate applied last
        // The tmpfs for /var/run/probe went through the in-root symlink /var/run -> /run.
        Assert.Equal("tmpfs 700", r.Fact("run_probe"));
        Assert.Equal("/run", r.Fact("var_run"));

        // maskedPaths and readonlyPaths.
        Assert.Equal("0 character special file 1:3", r.Fact("secret"));
        Assert.Equal("0 tmpfs ro", r.Fact("masked_dir"));
        Assert.StartsWith("ro", r.Fact("rodir_opts"));
        Assert.StartsWith("ro,nosuid,nodev,noexec", r.Fact("procsys_opts")); // proc's flags kept
        Assert.Equal("no", r.Fact("nonexistent"));
    }

    [Fact]
    public void EscapingDestinationIsOneErrorLineAndMountsNothingOutside()
    {
        using var tmp = new TempDir();
        var r = RunScenario(Scenarios.Escape, tmp);
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("mounts[1]: destination /etc/x escapes the rootfs through symlink /etc", r.Fact("error"));
        Assert.False(r.Facts.ContainsKey("step"));
        Assert.Equal("0", r.Fact("outer_leaks"));
        Assert.Empty(Directory.EnumerateFileSystemEntries(tmp.Combine("outside")));
    }

    [Fact]
    public void InAUserNamespaceDevicesAreBindMountedAndLockedFlagsKept()
    {
        using var tmp = new TempDir();
        var r = RunScenario(Scenarios.UserNs, tmp);
        AssertOk(r);
        Assert.Equal("0", r.Fact("uid"));
        Assert.Equal("character special file 1:3", r.Fact("dev_null"));
        Assert.Equal("1", r.Fact("dev_null_mount")); // a bind mount of the host's node, not a mknod
        Assert.Equal("yes", r.Fact("devnull_writable"));
        Assert.Equal("character special file 5:0", r.Fact("dev_tty"));
        Assert.Equal("locked", r.Fact("locked"));
        Assert.StartsWith("ro,nosuid,nodev", r.Fact("locked_opts"));
        Assert.StartsWith("ro", r.Fact("usr_opts"));
    }

    [Fact]
    public void RsharedRootfsPropagationMakesTheContainerRootSharedWithoutLeaking()
    {
        using var tmp = new TempDir();
        var r = RunScenario(Scenarios.Shared, tmp);
        AssertOk(r);
        Assert.Contains("shared:", r.Fact("root_optional"));
        Assert.Contains("shared:", r.Fact("run_optional"));
        Assert.Equal("0", r.Fact("outer_leaks"));
    }
}
