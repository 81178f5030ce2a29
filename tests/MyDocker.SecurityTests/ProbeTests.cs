using System.Diagnostics;
using MyDocker.SecurityTests.Probe;

namespace MyDocker.SecurityTests;

/// <summary>
/// The real system calls, each scenario in its own child process (`dotnet MyDocker.SecurityTests.dll
/// probe NAME`): capset, setuid and setrlimit must never touch the test host. The probe runs
/// BeforeIdentity, ProcessIdentity.Apply, AfterIdentity on its main thread, like init, and prints
/// what the kernel reports for that thread before any execve.
/// </summary>
public class ProbeTests
{
    private sealed record Result(int ExitCode, string Stdout, string Stderr, Dictionary<string, string> Facts)
    {
        public string this[string key] =>
            Facts.TryGetValue(key, out var v) ? v : throw new Xunit.Sdk.XunitException($"probe printed no {key}=...\n{Stdout}\n{Stderr}");
    }

    private static Result Probe(string scenario)
    {
        Assert.True(File.ReadAllLines("/proc/self/status").First(l => l.StartsWith("Uid:")).Split('\t')[1] == "0",
            "the probe tests need root (they change uid and capabilities in a child)");
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        var psi = new ProcessStartInfo(dotnet) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("exec");
        psi.ArgumentList.Add(typeof(SecurityProbe).Assembly.Location);
        psi.ArgumentList.Add("probe");
        psi.ArgumentList.Add(scenario);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail($"probe {scenario} timed out");
        }
        p.WaitForExit();
        var facts = new Dictionary<string, string>();
        foreach (string line in stdout.Result.Split('\n'))
        {
            int eq = line.IndexOf('=');
            if (eq > 0) facts[line[..eq]] = line[(eq + 1)..];
        }
        return new Result(p.ExitCode, stdout.Result, stderr.Result, facts);
    }

    private static Result Ok(string scenario)
    {
        var r = Probe(scenario);
        Assert.True(r.ExitCode == 0 && !r.Facts.ContainsKey("error"), $"probe {scenario} failed ({r.ExitCode}):\n{r.Stdout}\n{r.Stderr}");
        return r;
    }

    private static string Mask(ulong m) => m.ToString("x16");
    private const ulong KillNetBindAuditWrite = (1UL << 5) | (1UL << 10) | (1UL << 29);

    [Fact]
    public void Root_gets_exactly_the_configured_sets_and_no_new_privs()
    {
        var r = Ok("caps-root");
        Assert.Equal(Mask(KillNetBindAuditWrite), r["CapBnd"]);
        Assert.Equal(Mask(KillNetBindAuditWrite), r["CapEff"]);
        Assert.Equal(Mask(KillNetBindAuditWrite), r["CapPrm"]);
        Assert.Equal(Mask(0), r["CapInh"]);
        Assert.Equal(Mask(0), r["CapAmb"]);
        Assert.Equal("1", r["NoNewPrivs"]);
    }

    [Fact]
    public void A_non_root_user_keeps_its_capabilities_through_setuid_and_as_ambient()
    {
        var r = Ok("caps-user");
        const ulong netBind = 1UL << 10;
        Assert.Equal("1000", r["Uid"]);
        Assert.Equal(Mask(KillNetBindAuditWrite), r["CapBnd"]);
        Assert.Equal(Mask(netBind), r["CapEff"]);
        Assert.Equal(Mask(netBind), r["CapPrm"]);
        Assert.Equal(Mask(netBind), r["CapInh"]);
        Assert.Equal(Mask(netBind), r["CapAmb"]);
        Assert.Equal("0", r["NoNewPrivs"]);
    }

    [Fact]
    public void Without_a_capabilities_object_nothing_is_kept_by_force()
    {
        var r = Ok("caps-none");
        Assert.Equal("1000", r["Uid"]);
        Assert.Equal(Mask(0), r["CapEff"]);
        Assert.Equal(Mask(0), r["CapPrm"]);
        // The bounding set is untouched: whatever the probe inherited (all the kernel's, as root here).
        Assert.Equal(File.ReadAllLines("/proc/self/status").First(l => l.StartsWith("CapBnd:")).Split('\t')[1], r["CapBnd"]);
    }

    [Fact]
    public void An_empty_capabilities_object_empties_every_set()
    {
        var r = Ok("caps-empty");
        foreach (string set in new[] { "CapBnd", "CapEff", "CapPrm", "CapInh", "CapAmb" })
            Assert.Equal(Mask(0), r[set]);
    }

    [Fact]
    public void Rlimits_are_set_soft_and_hard()
    {
        var r = Ok("rlimit");
        Assert.Equal("1024/2048", r["Max_open_files"]);
        Assert.Equal("0/0", r["Max_core_file_size"]);
    }

    [Fact]
    public void Rlimits_are_set_after_the_uid_change_without_privilege()
    {
        var r = Ok("rlimit-user");
        Assert.Equal("1000", r["Uid"]);
        Assert.Equal(Mask(0), r["CapEff"]);
        Assert.Equal("100/200", r["Max_open_files"]);
        Assert.Equal($"{1L << 40}/{1L << 40}", r["Max_address_space"]);
    }

    [Fact]
    public void A_hard_limit_above_the_hosts_fails_with_one_clear_line()
    {
        var hard = File.ReadAllLines("/proc/self/limits").First(l => l.StartsWith("Max open files")).Split(' ', StringSplitOptions.RemoveEmptyEntries)[4];
        var status = File.ReadAllLines("/proc/self/status").First(l => l.StartsWith("CapEff:")).Split('\t')[1];
        bool hasSysResource = (Convert.ToUInt64(status, 16) & (1UL << 24)) != 0;
        var r = Probe("rlimit-over");
        if (hasSysResource && ulong.Parse(File.ReadAllText("/proc/sys/fs/nr_open").Trim()) >= 1048576)
        {
            Assert.Equal(0, r.ExitCode); // CAP_SYS_RESOURCE may raise it: nothing to refuse on this host
            return;
        }
        Assert.Equal(1, r.ExitCode);
        Assert.StartsWith("process.rlimits[0]: setrlimit RLIMIT_NOFILE 1048576/1048576: Operation not permitted", r["error"]);
        Assert.Equal($"process.rlimits[0]: setrlimit RLIMIT_NOFILE 1048576/1048576: Operation not permitted (the hard limit here is {hard}; raising it needs CAP_SYS_RESOURCE)", r["error"]);
    }

    [Fact]
    public void Scheduler_batch_with_nice()
    {
        var r = Ok("sched");
        Assert.Equal("3", r["policy"]);
        Assert.Equal("5", r["nice"]);
    }

    [Fact]
    public void Scheduler_idle()
    {
        var r = Ok("sched-idle");
        Assert.Equal("5", r["policy"]);
    }

    [Fact]
    public void Io_priority_best_effort_level_6()
    {
        var r = Ok("ioprio");
        Assert.Equal("2", r["ioprio_class"]);
        Assert.Equal("6", r["ioprio_level"]);
    }

    [Fact]
    public void Io_priority_idle()
    {
        var r = Ok("ioprio-idle");
        Assert.Equal("3", r["ioprio_class"]);
    }

    [Fact]
    public void Personality_linux32_makes_uname_say_i686()
    {
        var r = Ok("personality");
        Assert.Equal("0x8", r["personality"]);
        Assert.Equal("i686", r["uname_m"]);
    }

    [Fact]
    public void Oom_score_adj_is_written()
    {
        var r = Ok("oom");
        Assert.Equal("500", r["oom_score_adj"]);
    }
}
