using System.Text.Json.Nodes;
using MyDocker.IntegrationTests.Harness;

namespace MyDocker.IntegrationTests;

/// <summary>
/// config.md "Process" security fields (capabilities, rlimits, noNewPrivileges, oomScoreAdj, scheduler,
/// ioPriority, apparmorProfile, selinuxLabel) and config-linux.md "Sysctl" and "Personality", as the
/// kernel shows them to the container's process (/proc/self/status, /proc/self/limits, uname...).
/// </summary>
[Collection("runtime")]
public sealed class SecurityTests(RuntimeFixture fx) : IDisposable
{
    private readonly TestRuntime rt = new(fx);
    public void Dispose() => rt.Dispose();

    private const string Kill = "CAP_KILL", NetBind = "CAP_NET_BIND_SERVICE", AuditWrite = "CAP_AUDIT_WRITE";
    private const string KillNetBindAuditWrite = "0000000020000420"; // bits 5, 10, 29
    private const string NetBindOnly = "0000000000000400";
    private const string None = "0000000000000000";

    /// <summary>nc binds port 80 only with CAP_NET_BIND_SERVICE in effect: it is still there 0.5 s later only if it could.</summary>
    private const string BindTest = "; nc -l -p 80 & sleep 0.5; if kill $! 2>/dev/null; then echo Bound:yes; else echo Bound:no; fi";

    private static JsonArray Names(params string[] names) => new(names.Select(n => (JsonNode)JsonValue.Create(n)!).ToArray());

    /// <summary>The Cap* and NoNewPrivs lines of the container process's /proc/self/status.</summary>
    private Dictionary<string, string> Status(Action<JsonObject> edit, string extra = "")
    {
        var r = rt.Run(["sh", "-c", "grep -E '^(Cap|NoNewPrivs|Uid)' /proc/self/status" + extra], edit);
        Assert.True(r.ExitCode == 0, r.ToString());
        return r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(':', 2))
            .ToDictionary(p => p[0], p => p[1].Trim().Split('\t')[0]);
    }

    private static string HostStatus(string key) =>
        File.ReadAllLines("/proc/self/status").First(l => l.StartsWith(key + ":")).Split('\t')[1];

    /// <summary>A failed `create`: one "mydocker: " line carrying the message, non-zero exit, no container left.</summary>
    private void AssertCreateFails(Action<JsonObject> edit, string message)
    {
        string bundle = rt.Bundle(["true"], edit);
        var r = rt.Mydocker("create", "--bundle", bundle, "sec-fail");
        Assert.NotEqual(0, r.ExitCode);
        var lines = r.Stderr.Trim().Split('\n');
        Assert.True(lines.Length == 1, "expected one error line, got:\n" + r.Stderr);
        Assert.StartsWith("mydocker: ", lines[0]);
        Assert.Contains(message, lines[0]);
        Assert.Empty(rt.ContainerDirs());
    }

    [Fact]
    public void Root_gets_exactly_the_configured_capability_sets()
    {
        var s = Status(c => c["process"]!["capabilities"] = new JsonObject
        {
            ["bounding"] = Names(Kill, NetBind, AuditWrite),
            ["effective"] = Names(Kill, NetBind, AuditWrite),
            ["permitted"] = Names(Kill, NetBind, AuditWrite),
        });
        Assert.Equal(KillNetBindAuditWrite, s["CapBnd"]);
        Assert.Equal(KillNetBindAuditWrite, s["CapEff"]);
        Assert.Equal(KillNetBindAuditWrite, s["CapPrm"]);
        Assert.Equal(None, s["CapInh"]);
        Assert.Equal(None, s["CapAmb"]);
    }

    [Fact]
    public void A_non_root_user_gets_its_ambient_capabilities()
    {
        var s = Status(c =>
        {
            c["process"]!["user"] = new JsonObject { ["uid"] = 1000, ["gid"] = 1000 };
            c["process"]!["capabilities"] = new JsonObject
            {
                ["bounding"] = Names(Kill, NetBind, AuditWrite),
                ["effective"] = Names(NetBind),
                ["permitted"] = Names(NetBind),
                ["inheritable"] = Names(NetBind),
                ["ambient"] = Names(NetBind),
            };
        }, BindTest);
        Assert.Equal("1000", s["Uid"]);
        Assert.Equal(KillNetBindAuditWrite, s["CapBnd"]);
        Assert.Equal(NetBindOnly, s["CapInh"]);
        Assert.Equal(NetBindOnly, s["CapPrm"]);
        Assert.Equal(NetBindOnly, s["CapEff"]);
        Assert.Equal(NetBindOnly, s["CapAmb"]);
        Assert.Equal("yes", s["Bound"]);
    }

    [Fact]
    public void A_non_root_user_without_ambient_capabilities_has_none()
    {
        var s = Status(c =>
        {
            c["process"]!["user"] = new JsonObject { ["uid"] = 1000, ["gid"] = 1000 };
            c["process"]!["capabilities"] = new JsonObject
            {
                ["bounding"] = Names(Kill, NetBind, AuditWrite),
                ["effective"] = Names(NetBind),
                ["permitted"] = Names(NetBind),
            };
        }, BindTest + " 2>/dev/null");
        Assert.Equal(KillNetBindAuditWrite, s["CapBnd"]);
        Assert.Equal(None, s["CapEff"]);
        Assert.Equal(None, s["CapPrm"]);
        Assert.Equal(None, s["CapAmb"]);
        Assert.Equal("no", s["Bound"]);
    }

    /// <summary>
    /// The capabilities `runc spec` (runc 1.1.5) writes: the same three names in bounding, effective,
    /// permitted and ambient, and no inheritable set. Ambient entries that are not inheritable cannot be
    /// raised and are left out, as runc leaves them; runc says nothing about it, and neither do we unless
    /// asked with --debug.
    /// </summary>
    [Fact]
    public void Runc_specs_ambient_set_without_inheritable_is_left_out_quietly_and_noted_under_debug()
    {
        void RuncSpecCapabilities(JsonObject c) => c["process"]!["capabilities"] = new JsonObject
        {
            ["bounding"] = Names(AuditWrite, Kill, NetBind),
            ["effective"] = Names(AuditWrite, Kill, NetBind),
            ["permitted"] = Names(AuditWrite, Kill, NetBind),
            ["ambient"] = Names(AuditWrite, Kill, NetBind),
        };
        string[] args = ["sh", "-c", "grep -E '^Cap(Amb|Eff)' /proc/self/status"];

        var quiet = rt.Run(args, RuncSpecCapabilities);
        Assert.True(quiet.ExitCode == 0, quiet.ToString());
        Assert.Equal("", quiet.Stderr);
        Assert.Equal($"CapEff:\t{KillNetBindAuditWrite}\nCapAmb:\t{None}\n", quiet.Stdout);

        var debug = rt.Mydocker("--debug", "run", "--bundle", rt.Bundle(args, RuncSpecCapabilities), "runc-spec-caps");
        Assert.True(debug.ExitCode == 0, debug.ToString());
        Assert.Equal($"CapEff:\t{KillNetBindAuditWrite}\nCapAmb:\t{None}\n", debug.Stdout);
        var notes = debug.Stderr.Split('\n').Where(l => l.Contains("process.capabilities.ambient")).ToArray();
        Assert.Equal(
        [
            "mydocker: debug: process.capabilities.ambient[0]: CAP_AUDIT_WRITE is not both permitted and inheritable: not raised",
            "mydocker: debug: process.capabilities.ambient[1]: CAP_KILL is not both permitted and inheritable: not raised",
            "mydocker: debug: process.capabilities.ambient[2]: CAP_NET_BIND_SERVICE is not both permitted and inheritable: not raised",
        ], notes);
    }

    [Fact]
    public void Without_a_capabilities_object_root_keeps_what_it_has()
    {
        var s = Status(c => ((JsonObject)c["process"]!).Remove("capabilities"));
        Assert.Equal(HostStatus("CapBnd"), s["CapBnd"]);
        Assert.Equal(HostStatus("CapEff"), s["CapEff"]);
    }

    [Fact]
    public void No_new_privileges_is_set_when_asked_and_only_then()
    {
        Assert.Equal("1", Status(c => c["process"]!["noNewPrivileges"] = true)["NoNewPrivs"]);
        Assert.Equal("0", Status(c => c["process"]!["noNewPrivileges"] = false)["NoNewPrivs"]);
    }

    [Fact]
    public void An_effective_capability_outside_permitted_fails_create() =>
        AssertCreateFails(c => c["process"]!["capabilities"] = new JsonObject
        {
            ["bounding"] = Names(Kill),
            ["effective"] = Names(Kill),
            ["permitted"] = Names(),
        }, "process.capabilities.effective[0]: CAP_KILL is not in process.capabilities.permitted");

    [Fact]
    public void Rlimits_are_visible_in_proc_self_limits()
    {
        var r = rt.Run(["sh", "-c", "grep -E '^Max (open files|core file size)' /proc/self/limits"], c =>
            c["process"]!["rlimits"] = new JsonArray(
                new JsonObject { ["type"] = "RLIMIT_NOFILE", ["soft"] = 1024, ["hard"] = 2048 },
                new JsonObject { ["type"] = "RLIMIT_CORE", ["soft"] = 0, ["hard"] = 0 }));
        Assert.True(r.ExitCode == 0, r.ToString());
        var rows = r.Stdout.Trim().Split('\n').Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries))).ToArray();
        Assert.Contains("Max open files 1024 2048 files", rows);
        Assert.Contains("Max core file size 0 0 bytes", rows);
    }

    [Fact]
    public void A_hard_limit_above_the_hosts_fails_create_with_one_clear_line()
    {
        // Without CAP_SYS_RESOURCE the hard limit can't go up; with it, not above fs.nr_open: either way EPERM.
        bool sysResource = (Convert.ToUInt64(HostStatus("CapEff"), 16) & (1UL << 24)) != 0;
        ulong limit = sysResource ? ulong.Parse(File.ReadAllText("/proc/sys/fs/nr_open").Trim()) + 1 : 1048576;
        AssertCreateFails(c => c["process"]!["rlimits"] = new JsonArray(
                new JsonObject { ["type"] = "RLIMIT_NOFILE", ["soft"] = limit, ["hard"] = limit }),
            $"process.rlimits[0]: setrlimit RLIMIT_NOFILE {limit}/{limit}: Operation not permitted");
    }

    [Fact]
    public void Oom_score_adj_is_applied()
    {
        var r = rt.Run(["cat", "/proc/self/oom_score_adj"], c => c["process"]!["oomScoreAdj"] = 500);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("500\n", r.Stdout);
    }

    [Fact]
    public void A_network_sysctl_is_set_inside_and_not_on_the_host()
    {
        string host = File.ReadAllText("/proc/sys/net/ipv4/ip_forward");
        string value = host.Trim() == "1" ? "0" : "1";
        var r = rt.Run(["cat", "/proc/sys/net/ipv4/ip_forward"], c =>
            c["linux"]!["sysctl"] = new JsonObject { ["net.ipv4.ip_forward"] = value });
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(value + "\n", r.Stdout);
        Assert.Equal(host, File.ReadAllText("/proc/sys/net/ipv4/ip_forward"));
    }

    [Fact]
    public void An_ipc_sysctl_is_set_inside()
    {
        var r = rt.Run(["cat", "/proc/sys/kernel/shm_rmid_forced"], c =>
            c["linux"]!["sysctl"] = new JsonObject { ["kernel.shm_rmid_forced"] = "1" });
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("1\n", r.Stdout);
    }

    [Fact]
    public void A_sysctl_that_is_not_namespaced_is_refused()
    {
        string before = File.ReadAllText("/proc/sys/vm/swappiness");
        AssertCreateFails(c => c["linux"]!["sysctl"] = new JsonObject { ["vm.swappiness"] = "1" },
            "linux.sysctl: \"vm.swappiness\" is not namespaced: refusing to change it for the host");
        Assert.Equal(before, File.ReadAllText("/proc/sys/vm/swappiness"));
    }

    [Fact]
    public void A_network_sysctl_without_a_network_namespace_is_refused()
    {
        string before = File.ReadAllText("/proc/sys/net/ipv4/ip_forward");
        AssertCreateFails(c =>
            {
                c["linux"]!["namespaces"] = new JsonArray(c["linux"]!["namespaces"]!.AsArray()
                    .Where(n => n!["type"]!.GetValue<string>() != "network").Select(n => n!.DeepClone()).ToArray());
                // sysfs can only be mounted by the owner of the network namespace it shows: drop it with the namespace.
                c["mounts"] = new JsonArray(c["mounts"]!.AsArray().Where(m => m!["type"]!.GetValue<string>() != "sysfs").Select(m => m!.DeepClone()).ToArray());
                c["linux"]!["sysctl"] = new JsonObject { ["net.ipv4.ip_forward"] = "1" };
            },
            "linux.sysctl: \"net.ipv4.ip_forward\" needs a network namespace that is not the host's");
        Assert.Equal(before, File.ReadAllText("/proc/sys/net/ipv4/ip_forward"));
    }

    [Fact]
    public void Personality_linux32_makes_uname_report_i686()
    {
        var r = rt.Run(["uname", "-m"], c => c["linux"]!["personality"] = new JsonObject { ["domain"] = "LINUX32" });
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("i686\n", r.Stdout);
    }

    [Fact]
    public void Scheduler_policy_and_nice_are_applied()
    {
        var r = rt.Run(["cat", "/proc/self/stat"], c =>
            c["process"]!["scheduler"] = new JsonObject { ["policy"] = "SCHED_BATCH", ["nice"] = 5 });
        Assert.True(r.ExitCode == 0, r.ToString());
        // proc(5): after "pid (comm) ", field 3 is state; nice is field 19, policy field 41.
        var fields = r.Stdout[(r.Stdout.LastIndexOf(')') + 2)..].Split(' ');
        Assert.Equal("5", fields[19 - 3]);
        Assert.Equal("3", fields[41 - 3]); // SCHED_BATCH
    }

    [Fact]
    public void Io_priority_is_applied()
    {
        var r = rt.Run(["sh", "-c", "ionice -p $$"], c =>
            c["process"]!["ioPriority"] = new JsonObject { ["class"] = "IOPRIO_CLASS_BE", ["priority"] = 6 });
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("best-effort: prio 6\n", r.Stdout);
    }

    [Fact]
    public void An_apparmor_profile_on_a_host_without_apparmor_fails_create()
    {
        if (File.Exists("/sys/module/apparmor/parameters/enabled") && File.ReadAllText("/sys/module/apparmor/parameters/enabled").StartsWith('Y'))
            return; // this host has AppArmor: the profile would be loaded for real (nothing to refuse)
        AssertCreateFails(c => c["process"]!["apparmorProfile"] = "docker-default",
            "process.apparmorProfile: AppArmor is not enabled on this host");
    }

    [Fact]
    public void A_selinux_label_on_a_host_without_selinux_fails_create()
    {
        if (File.Exists("/sys/fs/selinux/enforce"))
            return; // this host has SELinux
        AssertCreateFails(c => c["process"]!["selinuxLabel"] = "system_u:system_r:container_t:s0",
            "process.selinuxLabel: SELinux is not enabled on this host");
    }

    [Fact]
    public void Asking_for_a_capability_the_host_took_from_the_runtime_fails_create()
    {
        int lastCap = int.Parse(File.ReadAllText("/proc/sys/kernel/cap_last_cap").Trim());
        ulong ours = Convert.ToUInt64(File.ReadAllLines("/proc/self/status").First(l => l.StartsWith("CapBnd:")).Split('\t', StringSplitOptions.RemoveEmptyEntries)[1], 16);
        var all = new System.Text.Json.Nodes.JsonArray(MyDockerCapabilityNames.Take(lastCap + 1).Select(n => (System.Text.Json.Nodes.JsonNode)n!).ToArray());
        string bundle = rt.Bundle(["true"], c => c["process"]!["capabilities"] = new System.Text.Json.Nodes.JsonObject
        {
            ["bounding"] = all.DeepClone(), ["effective"] = all.DeepClone(), ["permitted"] = all.DeepClone(),
        });
        var r = rt.Mydocker("run", "--bundle", bundle, "allcaps");
        int missing = Enumerable.Range(0, lastCap + 1).FirstOrDefault(c => (ours & (1UL << c)) == 0, -1);
        if (missing < 0)
        {
            Assert.True(r.ExitCode == 0, r.ToString()); // this host leaves the runtime every capability
            return;
        }
        Assert.NotEqual(0, r.ExitCode);
        Assert.Equal($"mydocker: process.capabilities: {MyDockerCapabilityNames[missing]} is not in the runtime's own bounding set: this host does not allow it\n", r.Stderr);
        Assert.Empty(rt.ContainerDirs());
    }

    private static readonly string[] MyDockerCapabilityNames =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID",
        "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN",
        "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
        "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME",
        "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP",
        "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
        "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
    ];
}
