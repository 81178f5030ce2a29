using System.Text.Json.Nodes;
using MyDocker.IntegrationTests.Harness;

namespace MyDocker.IntegrationTests;

/// <summary>
/// config.md "POSIX process" rlimits with real containers, as the user program sees them
/// (/proc/self/limits, `ulimit`). The memory limits (RLIMIT_AS, RLIMIT_DATA) are the hard case: the
/// .NET init already maps gigabytes of address space, so it may not allocate once they are set, and
/// a limit too small for execve itself makes the kernel kill the process inside execve.
/// </summary>
[Collection("runtime")]
public sealed class RlimitTests(RuntimeFixture fx) : IDisposable
{
    private readonly TestRuntime rt = new(fx);
    public void Dispose() => rt.Dispose();

    private const long KiB = 1024, MiB = 1024 * KiB, GiB = 1024 * MiB;

    private static JsonObject Limit(string type, long soft, long hard) => new() { ["type"] = type, ["soft"] = soft, ["hard"] = hard };

    private static Action<JsonObject> Rlimits(params JsonObject[] limits) => c =>
        c["process"]!["rlimits"] = new JsonArray(limits.Cast<JsonNode>().ToArray());

    /// <summary>
    /// A profile in the style of Docker's and runtime-tools' defaults: allow everything but a list of
    /// privileged calls, on three architectures. Big enough that libseccomp's seccomp_load allocates
    /// (which is what used to kill init when it ran after a small RLIMIT_AS).
    /// </summary>
    private static Action<JsonObject> DenyPrivilegedCalls(bool noNewPrivileges = true) => c =>
    {
        string[] denied =
        [
            "kexec_load", "kexec_file_load", "reboot", "swapon", "swapoff", "acct", "quotactl", "init_module",
            "finit_module", "delete_module", "add_key", "request_key", "keyctl", "bpf", "perf_event_open",
            "lookup_dcookie", "mount", "umount2", "pivot_root", "ptrace", "userfaultfd", "open_by_handle_at",
            "name_to_handle_at", "settimeofday", "clock_settime", "clock_adjtime", "adjtimex", "iopl", "ioperm",
            "syslog", "vhangup", "move_pages", "mbind", "set_mempolicy", "get_mempolicy", "migrate_pages",
            "fanotify_init", "fanotify_mark", "io_uring_setup", "io_uring_enter", "io_uring_register",
            "process_vm_readv", "process_vm_writev", "kcmp", "fsopen", "fsconfig", "fsmount", "fspick",
            "open_tree", "move_mount", "unshare", "setns", "create_module", "get_kernel_syms", "query_module",
            "nfsservctl", "uselib", "ustat", "sysfs", "_sysctl",
        ];
        c["linux"]!["seccomp"] = new JsonObject
        {
            ["defaultAction"] = "SCMP_ACT_ALLOW",
            ["architectures"] = new JsonArray("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"),
            ["syscalls"] = new JsonArray(new JsonObject
            {
                ["names"] = new JsonArray(denied.Select(n => (JsonNode)JsonValue.Create(n)!).ToArray()),
                ["action"] = "SCMP_ACT_ERRNO",
                ["errnoRet"] = 1,
            }),
        };
        c["process"]!["noNewPrivileges"] = noNewPrivileges;
    };

    private static Action<JsonObject> All(params Action<JsonObject>[] edits) => c => { foreach (var e in edits) e(c); };

    /// <summary>A failed run: one "mydocker: " line starting with <paramref name="start"/>, non-zero exit, no state, cgroup or process left.</summary>
    private void AssertRunFails(Action<JsonObject> edit, string start, string[]? args = null)
    {
        string id = $"rl{Guid.NewGuid():N}"[..12];
        var r = rt.Mydocker("run", "--bundle", rt.Bundle(args ?? ["sh", "-c", "echo ran"], edit), id);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Equal("", r.Stdout);
        var lines = r.Stderr.Trim().Split('\n');
        Assert.True(lines.Length == 1, "expected one error line, got:\n" + r.Stderr);
        Assert.StartsWith("mydocker: " + start, lines[0]);
        Assert.Empty(rt.ContainerDirs());
        Assert.Empty(HostCgroups.Mounts().SelectMany(m => Directory.EnumerateDirectories(m, id, SearchOption.AllDirectories)));
    }

    [Theory]
    [InlineData(1 * GiB, true, true)]
    [InlineData(256 * MiB, true, true)]
    [InlineData(64 * MiB, true, true)]
    [InlineData(64 * MiB, true, false)] // the filter is loaded before the uid change, then the rlimits
    [InlineData(64 * MiB, false, true)]
    public void A_small_address_space_limit_reaches_the_program(long bytes, bool seccomp, bool noNewPrivileges)
    {
        var edit = Rlimits(Limit("RLIMIT_AS", bytes, bytes));
        if (seccomp) edit = All(edit, DenyPrivilegedCalls(noNewPrivileges));
        var r = rt.Run(["sh", "-c", "ulimit -v; grep '^Seccomp:' /proc/self/status"], edit);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal($"{bytes / KiB}\nSeccomp:\t{(seccomp ? 2 : 0)}\n", r.Stdout);
    }

    /// <summary>runtime-tools' process_rlimits test (validation/process_rlimits): its limits, with a filter as its default config has.</summary>
    [Fact]
    public void The_runtime_tools_rlimits_all_reach_the_program()
    {
        var r = rt.Run(["cat", "/proc/self/limits"], All(DenyPrivilegedCalls(), Rlimits(
            Limit("RLIMIT_AS", 1 * GiB, 2 * GiB),
            Limit("RLIMIT_CORE", 3 * GiB, 4 * GiB),
            Limit("RLIMIT_DATA", 5 * GiB, 6 * GiB),
            Limit("RLIMIT_FSIZE", 7 * GiB, 8 * GiB),
            Limit("RLIMIT_STACK", 9 * GiB, 10 * GiB),
            Limit("RLIMIT_CPU", 60, 120),
            Limit("RLIMIT_NOFILE", 3000, 4000))));
        Assert.True(r.ExitCode == 0, r.ToString());
        var rows = r.Stdout.Split('\n').Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries))).ToArray();
        Assert.Contains($"Max address space {1 * GiB} {2 * GiB} bytes", rows);
        Assert.Contains($"Max core file size {3 * GiB} {4 * GiB} bytes", rows);
        Assert.Contains($"Max data size {5 * GiB} {6 * GiB} bytes", rows);
        Assert.Contains($"Max file size {7 * GiB} {8 * GiB} bytes", rows);
        Assert.Contains($"Max stack size {9 * GiB} {10 * GiB} bytes", rows);
        Assert.Contains("Max cpu time 60 120 seconds", rows);
        Assert.Contains("Max open files 3000 4000 files", rows);
    }

    [Fact]
    public void A_non_root_user_gets_its_limits_too()
    {
        // Set after the uid change, at the last step: lowering a limit needs no privilege.
        var r = rt.Run(["sh", "-c", "id -u; ulimit -v; ulimit -Sn; ulimit -Hn"], All(DenyPrivilegedCalls(),
            Rlimits(Limit("RLIMIT_AS", 256 * MiB, 256 * MiB), Limit("RLIMIT_NOFILE", 100, 200)),
            c => c["process"]!["user"] = new JsonObject { ["uid"] = 1000, ["gid"] = 1000 }));
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal($"1000\n{256 * MiB / KiB}\n100\n200\n", r.Stdout);
    }

    [Theory]
    [InlineData("RLIMIT_AS", 4096L)]
    [InlineData("RLIMIT_AS", 1L << 20)]
    [InlineData("RLIMIT_DATA", 4096L)]
    public void A_limit_too_small_to_exec_the_program_fails_create_with_one_line(string type, long bytes) =>
        // execve would get past its point of no return and the kernel would kill the process with SIGSEGV.
        AssertRunFails(All(DenyPrivilegedCalls(), Rlimits(Limit("RLIMIT_NOFILE", 1024, 1024), Limit(type, bytes, bytes))),
            $"process.rlimits[1]: {type} {bytes} is too small to exec /bin/sh:");

    [Fact]
    public void Exec_applies_the_limits_the_same_way()
    {
        var r = rt.Mydocker("run", "-d", "--bundle", rt.Bundle(["sleep", "60"],
            All(DenyPrivilegedCalls(), Rlimits(Limit("RLIMIT_AS", 64 * MiB, 64 * MiB)))), "rlexec");
        Assert.True(r.ExitCode == 0, r.ToString());
        var e = rt.Mydocker("exec", "rlexec", "sh", "-c", "ulimit -v; grep '^Seccomp:' /proc/self/status");
        Assert.True(e.ExitCode == 0, e.ToString());
        Assert.Equal($"{64 * MiB / KiB}\nSeccomp:\t2\n", e.Stdout);
    }

    [Fact]
    public void A_failed_execve_after_create_fails_start_with_one_line()
    {
        // The program is there at create (init checks), and gone at start: execve returns ENOENT in
        // init's allocation-free last step, under a 64 MiB address space and the filter.
        string data = Directory.CreateTempSubdirectory("mydocker-rl-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(data, "prog"), "#!/bin/sh\necho ran\n");
            File.SetUnixFileMode(Path.Combine(data, "prog"), (UnixFileMode)0x1ED);
            string bundle = rt.Bundle(["/data/prog"], All(DenyPrivilegedCalls(), Rlimits(Limit("RLIMIT_AS", 64 * MiB, 64 * MiB)), c =>
                ((JsonArray)c["mounts"]!).Add(new JsonObject
                {
                    ["destination"] = "/data", ["type"] = "bind", ["source"] = data, ["options"] = new JsonArray("rbind", "ro"),
                })));
            var c = rt.Mydocker("create", "--bundle", bundle, "rlgone");
            Assert.True(c.ExitCode == 0, c.ToString());
            File.Delete(Path.Combine(data, "prog"));
            var s = rt.Mydocker("start", "rlgone");
            Assert.NotEqual(0, s.ExitCode);
            Assert.Equal("mydocker: cannot start container \"rlgone\": exec /data/prog: No such file or directory\n", s.Stderr);
            Assert.Equal("stopped", JsonNode.Parse(rt.Mydocker("state", "rlgone").Stdout)!["status"]!.GetValue<string>());
        }
        finally
        {
            rt.Mydocker("delete", "--force", "rlgone");
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public void An_init_that_dies_before_the_program_runs_fails_start()
    {
        // A startContainer hook (run by init after `start` released it) kills init, its parent: init
        // dies without a word. No pid namespace, so init is not the namespace's unkillable PID 1.
        string bundle = rt.Bundle(["sh", "-c", "echo ran"], c =>
        {
            var namespaces = (JsonArray)c["linux"]!["namespaces"]!;
            namespaces.Remove(namespaces.First(n => n!["type"]!.GetValue<string>() == "pid"));
            c["hooks"] = new JsonObject
            {
                ["startContainer"] = new JsonArray(new JsonObject
                {
                    ["path"] = "/bin/sh",
                    ["args"] = new JsonArray("sh", "-c", "kill -KILL $PPID"),
                }),
            };
        });
        var c = rt.Mydocker("create", "--bundle", bundle, "rldies");
        Assert.True(c.ExitCode == 0, c.ToString());
        var s = rt.Mydocker("start", "rldies");
        Assert.NotEqual(0, s.ExitCode);
        Assert.Equal("", s.Stdout);
        Assert.Equal("mydocker: cannot start container \"rldies\": its init process died before the program started (killed by signal 9)\n", s.Stderr);
        rt.Mydocker("delete", "--force", "rldies");
    }
}
