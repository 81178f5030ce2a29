using System.Text.Json.Nodes;
using MyDocker.IntegrationTests.Harness;

namespace MyDocker.IntegrationTests;

/// <summary>
/// config-linux.md "Seccomp": real containers with linux.seccomp, seen from inside (the calls that
/// fail, /proc/self/status) and from outside (a bad profile fails `create` and leaves nothing).
/// </summary>
[Collection("runtime")]
public sealed class SeccompTests(RuntimeFixture fx) : IDisposable
{
    private readonly TestRuntime rt = new(fx);
    public void Dispose() => rt.Dispose();

    private static JsonObject Rule(string action, string[] names, uint? errnoRet = null, params JsonObject[] args)
    {
        var rule = new JsonObject
        {
            ["names"] = new JsonArray(names.Select(n => (JsonNode)JsonValue.Create(n)!).ToArray()),
            ["action"] = action,
        };
        if (errnoRet is { } e) rule["errnoRet"] = e;
        if (args.Length > 0) rule["args"] = new JsonArray(args.Cast<JsonNode>().ToArray());
        return rule;
    }

    private static JsonObject Arg(uint index, string op, ulong value) =>
        new() { ["index"] = index, ["op"] = op, ["value"] = value };

    private static Action<JsonObject> Seccomp(string defaultAction, params JsonObject[] rules) => c =>
        c["linux"]!["seccomp"] = new JsonObject
        {
            ["defaultAction"] = defaultAction,
            ["architectures"] = new JsonArray("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"),
            ["syscalls"] = new JsonArray(rules.Cast<JsonNode>().ToArray()),
        };

    // mkdir(2) and mkdirat(2): which one a libc uses for mkdir(3) varies.
    private static readonly string[] Mkdir = ["mkdir", "mkdirat"];

    [Fact]
    public void An_errno_rule_fails_only_that_call()
    {
        var r = rt.Run(["sh", "-c", "mkdir /tmp/x; echo mkdir=$?; echo data > /tmp/y && cat /tmp/y; ls -d /tmp/x 2>&1; grep '^Seccomp' /proc/self/status"],
            Seccomp("SCMP_ACT_ALLOW", Rule("SCMP_ACT_ERRNO", Mkdir, errnoRet: 1)));
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("Operation not permitted", r.Stderr);
        var lines = r.Stdout.Split('\n');
        Assert.Contains("mkdir=1", lines);
        Assert.Contains("data", lines);                            // other file system calls still work
        Assert.Contains(lines, l => l.Contains("/tmp/x") && l.Contains("No such file"));
        Assert.Contains("Seccomp:\t2", lines);                     // SECCOMP_MODE_FILTER
        Assert.Contains("Seccomp_filters:\t1", lines);             // one filter, not one per step
    }

    [Fact]
    public void The_errno_value_is_the_configured_one()
    {
        // errnoRet 13 = EACCES: "Permission denied", not the EPERM default.
        var r = rt.Run(["sh", "-c", "mkdir /tmp/x"], Seccomp("SCMP_ACT_ALLOW", Rule("SCMP_ACT_ERRNO", Mkdir, errnoRet: 13)));
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("Permission denied", r.Stderr);
    }

    [Fact]
    public void An_argument_rule_matches_only_its_values()
    {
        // linux32 calls personality(PER_LINUX32 = 8), linux64 personality(PER_LINUX = 0).
        // Two comparisons of argument 0 are OR-ed (runc): 8 or 0xffffffff (the query) is refused.
        var r = rt.Run(["sh", "-c", "linux32 true; echo linux32=$?; linux64 true; echo linux64=$?"],
            Seccomp("SCMP_ACT_ALLOW", Rule("SCMP_ACT_ERRNO", ["personality"], errnoRet: 1,
                Arg(0, "SCMP_CMP_EQ", 8), Arg(0, "SCMP_CMP_EQ", 0xffffffff))));
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("linux32=1", r.Stdout.Split('\n'));
        Assert.Contains("linux64=0", r.Stdout.Split('\n'));
        Assert.Contains("Operation not permitted", r.Stderr);
    }

    [Fact]
    public void A_default_deny_profile_runs_what_it_allows()
    {
        // Generous: what busybox sh and its applets need, plus what init does after loading.
        string[] allowed =
        [
            "read", "write", "readv", "writev", "pread64", "pwrite64", "open", "openat", "close", "close_range",
            "stat", "fstat", "lstat", "newfstatat", "statx", "lseek", "access", "faccessat", "faccessat2",
            "readlink", "readlinkat", "getdents64", "getcwd", "chdir", "fchdir", "ioctl", "fcntl",
            "dup", "dup2", "dup3", "pipe", "pipe2", "poll", "ppoll", "select", "pselect6",
            "mmap", "mprotect", "munmap", "mremap", "madvise", "brk",
            "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "sigaltstack", "kill", "tgkill", "tkill",
            "getpid", "getppid", "gettid", "getuid", "geteuid", "getgid", "getegid", "getgroups",
            "setuid", "setgid", "setresuid", "setresgid", "setgroups", "capget", "capset", "prctl",
            "uname", "arch_prctl", "set_tid_address", "set_robust_list", "rseq", "prlimit64", "getrlimit",
            "getrandom", "futex", "clock_gettime", "clock_nanosleep", "nanosleep", "sysinfo", "umask",
            "clone", "clone3", "fork", "vfork", "wait4", "waitid", "execve", "execveat", "exit", "exit_group",
            "sendfile", "sched_yield", "sched_getaffinity",
        ];
        var r = rt.Run(["sh", "-c", "echo hi; if mkdir /tmp/z 2>/dev/null; then echo made; else echo denied; fi"],
            Seccomp("SCMP_ACT_ERRNO", Rule("SCMP_ACT_ALLOW", allowed)));
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("hi\ndenied\n", r.Stdout);
    }

    [Fact]
    public void Kill_process_kills_the_caller_with_sigsys()
    {
        // mkdir runs in a child of sh: that child dies of SIGSYS (31), sh reports 128 + 31.
        var r = rt.Run(["sh", "-c", "echo before; mkdir /tmp/k; echo rc=$?"],
            Seccomp("SCMP_ACT_ALLOW", Rule("SCMP_ACT_KILL_PROCESS", Mkdir)));
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("before\nrc=159\n", r.Stdout);
    }

    [Fact]
    public void An_unknown_system_call_name_is_ignored_with_a_warning()
    {
        var r = rt.Run(["sh", "-c", "mkdir /tmp/x 2>/dev/null; echo mkdir=$?"],
            Seccomp("SCMP_ACT_ALLOW", Rule("SCMP_ACT_ERRNO", ["not_a_real_syscall", .. Mkdir])));
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("mkdir=1\n", r.Stdout);
        Assert.Contains("linux.seccomp.syscalls[0].names[0]: unknown system call \"not_a_real_syscall\" ignored", r.Stderr);
    }

    /// <summary>
    /// Seccomp/SeccompCache: the first container compiles a profile and keeps the program in the state
    /// root; the next one with the same profile uses it, and its warnings are still said. An entry is
    /// used only for exactly its own key: another profile's entry under this profile's file name (as if
    /// the names collided) is not loaded, and is replaced.
    /// </summary>
    [Fact]
    public void A_compiled_profile_is_kept_and_used_only_for_exactly_its_key()
    {
        string cache = Path.Combine(rt.Root, "@seccomp-cache");
        Action<JsonObject> Deny() => Seccomp("SCMP_ACT_ALLOW", Rule("SCMP_ACT_ERRNO", ["not_a_real_syscall", .. Mkdir], errnoRet: 1));
        string[] probe = ["sh", "-c", "mkdir /tmp/x 2>/dev/null; echo mkdir=$?"];
        const string warning = "unknown system call \"not_a_real_syscall\" ignored";

        var first = rt.Run(probe, Deny());
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Equal("mkdir=1\n", first.Stdout);
        string entry = Assert.Single(Directory.GetFiles(cache));
        byte[] compiled = File.ReadAllBytes(entry);
        Assert.Contains("\"not_a_real_syscall\"", System.Text.Encoding.UTF8.GetString(compiled)); // the profile is in the entry's key

        var second = rt.Run(probe, Deny());
        Assert.Equal("mkdir=1\n", second.Stdout);
        Assert.Contains(warning, second.Stderr);                  // said again, from the entry
        Assert.Equal(compiled, File.ReadAllBytes(entry));         // used, not rewritten
        Assert.Single(Directory.GetFiles(cache));

        // Another profile (mkdir allowed) compiled, its entry then put under the first profile's name.
        var allow = Seccomp("SCMP_ACT_ALLOW", Rule("SCMP_ACT_ERRNO", ["getpriority"], errnoRet: 1));
        Assert.Equal("mkdir=0\n", rt.Run(probe, allow).Stdout);
        string other = Assert.Single(Directory.GetFiles(cache), f => f != entry);
        File.Copy(other, entry, overwrite: true);
        var third = rt.Run(probe, Deny());
        Assert.Equal("mkdir=1\n", third.Stdout);                 // the forged entry was not loaded
        Assert.Equal(compiled, File.ReadAllBytes(entry));         // and the right one is back
    }

    [Fact]
    public void Without_no_new_privileges_a_non_root_user_still_gets_the_filter()
    {
        // The kernel wants CAP_SYS_ADMIN or no_new_privs to load a filter: init must load it while
        // still privileged, before it becomes uid 1000 (as runc does).
        var r = rt.Run(["sh", "-c", "id -u; grep '^NoNewPrivs' /proc/self/status; grep '^Seccomp:' /proc/self/status; mkdir /tmp/x"], c =>
        {
            Seccomp("SCMP_ACT_ALLOW", Rule("SCMP_ACT_ERRNO", Mkdir, errnoRet: 1))(c);
            c["process"]!["user"] = new JsonObject { ["uid"] = 1000, ["gid"] = 1000 };
            c["process"]!["noNewPrivileges"] = false;
        });
        Assert.NotEqual(0, r.ExitCode);
        Assert.Equal("1000\nNoNewPrivs:\t0\nSeccomp:\t2\n", r.Stdout);
        Assert.Contains("Operation not permitted", r.Stderr);
    }

    [Fact]
    public void With_no_new_privileges_a_non_root_user_gets_the_filter()
    {
        var r = rt.Run(["sh", "-c", "id -u; grep '^NoNewPrivs' /proc/self/status; grep '^Seccomp:' /proc/self/status"], c =>
        {
            Seccomp("SCMP_ACT_ALLOW", Rule("SCMP_ACT_ERRNO", Mkdir, errnoRet: 1))(c);
            c["process"]!["user"] = new JsonObject { ["uid"] = 1000, ["gid"] = 1000 };
            c["process"]!["noNewPrivileges"] = true;
        });
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("1000\nNoNewPrivs:\t1\nSeccomp:\t2\n", r.Stdout);
    }

    private void AssertCleanCreateFailure(Action<JsonObject> edit, string expected)
    {
        var r = rt.Mydocker("create", "--bundle", rt.Bundle(["true"], edit), $"bad{Guid.NewGuid():N}"[..10]);
        Assert.NotEqual(0, r.ExitCode);
        var lines = r.Stderr.Trim().Split('\n');
        Assert.True(lines.Length == 1, "expected one error line, got:\n" + r.Stderr);
        Assert.StartsWith("mydocker: ", lines[0]);
        Assert.Contains(expected, lines[0]);
        Assert.Empty(rt.ContainerDirs());
    }

    [Fact]
    public void An_unknown_action_fails_create_cleanly() =>
        AssertCleanCreateFailure(Seccomp("SCMP_ACT_ALLOW", Rule("SCMP_ACT_EXPLODE", Mkdir)), "linux.seccomp.syscalls[0].action");

    [Fact]
    public void A_profile_libseccomp_cannot_build_fails_create_cleanly() =>
        // Valid per the schema, refused when init builds the filter — still before "ready".
        AssertCleanCreateFailure(Seccomp("SCMP_ACT_ALLOW", Rule("SCMP_ACT_ERRNO", ["getpid"]), Rule("SCMP_ACT_NOTIFY", Mkdir)),
            "linux.seccomp.syscalls[1].action: SCMP_ACT_NOTIFY is not supported");
}
