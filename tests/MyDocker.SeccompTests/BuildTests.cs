using MyDocker.Runtime.Seccomp;
using MyDocker.Spec;
using MyDocker.Spec.Model;
using static MyDocker.SeccompTests.Profiles;

namespace MyDocker.SeccompTests;

/// <summary>
/// SeccompFilter.Build: the filter libseccomp generates for a profile, read back with
/// seccomp_export_bpf (nothing is loaded into this process), and the errors of bad profiles.
/// </summary>
public sealed class BuildTests
{
    private const uint Allow = 0x7fff0000, KillThread = 0, KillProcess = 0x80000000;
    private const uint AuditArchX86_64 = 0xC000003E, AuditArchI386 = 0x40000003;
    private const uint NrMkdir = 83, NrPersonality = 135, NrMkdirI386 = 39;

    private static string BuildError(Seccomp spec) =>
        Assert.Throws<MyDockerException>(() => SeccompFilter.Build(spec).Dispose()).Message;

    [Fact]
    public void Errno_rule_in_an_allow_profile()
    {
        using var f = SeccompFilter.Build(Make("SCMP_ACT_ALLOW", Errno(1, "mkdir")));
        var program = Bpf.Program(f);
        Assert.Equal(Allow, f.DefaultAction);
        Assert.Equal(1, f.RuleCount);
        Assert.Contains(AuditArchX86_64, Bpf.Compared(program));        // the architecture check
        Assert.Contains(NrMkdir, Bpf.Compared(program));                // the syscall
        Assert.Equal([Allow, 0x00050001u, KillThread], Bpf.Returns(program).Order().ToHashSet()); // default, ERRNO(1), bad arch
        Assert.Empty(f.Warnings);
    }

    [Fact]
    public void Default_deny_profile_returns_the_default_errno()
    {
        using var f = SeccompFilter.Build(new Seccomp
        {
            DefaultAction = "SCMP_ACT_ERRNO", DefaultErrnoRet = 38,
            Syscalls = [Rule("SCMP_ACT_ALLOW", "read", "write", "exit_group")],
        });
        var program = Bpf.Program(f);
        Assert.Equal(0x00050026u, f.DefaultAction);
        Assert.Equal(3, f.RuleCount);
        Assert.Contains(0x00050026u, Bpf.Returns(program));
        Assert.Contains(Allow, Bpf.Returns(program));
        Assert.Superset(new HashSet<uint> { 0, 1, 231 }, Bpf.Compared(program)); // read, write, exit_group
    }

    [Fact]
    public void A_rule_with_the_default_action_is_skipped()
    {
        using var f = SeccompFilter.Build(Make("SCMP_ACT_ERRNO", Rule("SCMP_ACT_ERRNO", "mkdir"), Rule("SCMP_ACT_ALLOW", "getpid")));
        Assert.Equal(1, f.RuleCount);
        Assert.DoesNotContain(NrMkdir, Bpf.Compared(Bpf.Program(f)));
        // Same action but another errno is NOT the default action: it stays.
        using var g = SeccompFilter.Build(Make("SCMP_ACT_ERRNO", Errno(38, "mkdir")));
        Assert.Equal(1, g.RuleCount);
        Assert.Contains(0x00050026u, Bpf.Returns(Bpf.Program(g)));
    }

    [Fact]
    public void Unknown_names_are_ignored_and_reported()
    {
        using var f = SeccompFilter.Build(Make("SCMP_ACT_ALLOW",
            Errno(1, "mkdir", "no_such_syscall"),
            Rule("SCMP_ACT_KILL", "another_fake_one")));
        Assert.Equal(["no_such_syscall", "another_fake_one"], f.UnknownSyscalls);
        string v = SeccompFilter.LibraryVersion;
        Assert.Equal(
        [
            $"linux.seccomp.syscalls[0].names[1]: unknown system call \"no_such_syscall\" ignored (libseccomp {v})",
            $"linux.seccomp.syscalls[1].names[0]: unknown system call \"another_fake_one\" ignored (libseccomp {v})",
        ], f.Warnings);
        Assert.Equal(1, f.RuleCount);
        Assert.Contains(NrMkdir, Bpf.Compared(Bpf.Program(f)));
    }

    [Fact]
    public void A_name_other_architectures_have_is_not_unknown()
    {
        // socketcall exists on i386, not on x86-64: libseccomp knows it, so no warning, and the
        // x86-64-only filter simply has no rule for it.
        using var f = SeccompFilter.Build(Make("SCMP_ACT_ERRNO", Rule("SCMP_ACT_ALLOW", "socketcall", "getpid")));
        Assert.Empty(f.Warnings);
        Bpf.Program(f);
    }

    [Fact]
    public void Listed_architectures_are_added()
    {
        var spec = Make("SCMP_ACT_ALLOW", Errno(1, "mkdir"));
        spec.Architectures = ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32", "SCMP_ARCH_X86"];
        using var f = SeccompFilter.Build(spec);
        var compared = Bpf.Compared(Bpf.Program(f));
        Assert.Contains(AuditArchX86_64, compared);
        Assert.Contains(AuditArchI386, compared);
        Assert.Contains(NrMkdir, compared);
        Assert.Contains(NrMkdirI386, compared);
        // No architecture listed: native only.
        using var g = SeccompFilter.Build(Make("SCMP_ACT_ALLOW", Errno(1, "mkdir")));
        Assert.DoesNotContain(AuditArchI386, Bpf.Compared(Bpf.Program(g)));
    }

    [Fact]
    public void Argument_comparison_is_in_the_program()
    {
        using var f = SeccompFilter.Build(Make("SCMP_ACT_ALLOW",
            Errno(1, "personality").With(0, "SCMP_CMP_EQ", 0xffffffff)));
        var program = Bpf.Program(f);
        Assert.Contains(NrPersonality, Bpf.Compared(program));
        Assert.Contains(0xffffffffu, Bpf.Compared(program));              // the low word of arg0
        Assert.Contains(program, i => i.Code == Insn.LdAbsW && i.K == 16); // seccomp_data.args[0], low word
    }

    [Fact]
    public void Masked_equality_uses_value_as_the_mask_and_valueTwo_as_the_value()
    {
        using var f = SeccompFilter.Build(Make("SCMP_ACT_ALLOW",
            Errno(1, "clone").With(0, "SCMP_CMP_MASKED_EQ", 0x7E020000, 0x10000000)));
        var program = Bpf.Program(f);
        Assert.Contains(program, i => i.Code == Insn.AndK && i.K == 0x7E020000);
        Assert.Contains(0x10000000u, Bpf.Compared(program));
    }

    [Fact]
    public void Args_on_distinct_indexes_are_one_rule_and_a_shared_index_makes_one_rule_each()
    {
        using var and = SeccompFilter.Build(Make("SCMP_ACT_ALLOW",
            Errno(1, "kill").With(0, "SCMP_CMP_EQ", 5).With(1, "SCMP_CMP_EQ", 9)));
        Assert.Equal(1, and.RuleCount);
        using var or = SeccompFilter.Build(Make("SCMP_ACT_ALLOW",
            Errno(1, "kill").With(0, "SCMP_CMP_EQ", 5).With(0, "SCMP_CMP_EQ", 6).With(1, "SCMP_CMP_EQ", 9)));
        Assert.Equal(3, or.RuleCount);
        Assert.Superset(new HashSet<uint> { 5, 6, 9 }, Bpf.Compared(Bpf.Program(or)));
    }

    [Fact]
    public void Kill_actions_and_flags_build()
    {
        var spec = Make("SCMP_ACT_KILL_PROCESS", Rule("SCMP_ACT_ALLOW", "read"), Rule("SCMP_ACT_LOG", "write"), Rule("SCMP_ACT_TRAP", "mkdir"));
        spec.Flags = ["SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW"];
        using var f = SeccompFilter.Build(spec);
        Assert.Superset(new HashSet<uint> { KillProcess, Allow, 0x7ffc0000, 0x00030000 }, Bpf.Returns(Bpf.Program(f)));
        Assert.Contains("mkdir", Bpf.Pfc(f));
    }

    [Fact]
    public void A_long_profile_builds_with_the_binary_tree()
    {
        string[] names = ["read", "write", "open", "close", "stat", "fstat", "lstat", "poll", "lseek", "mmap", "mprotect",
            "munmap", "brk", "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "ioctl", "pread64", "pwrite64", "readv",
            "writev", "access", "pipe", "select", "sched_yield", "mremap", "msync", "mincore", "madvise", "dup", "dup2",
            "pause", "nanosleep", "getpid", "execve", "exit_group"];
        using var f = SeccompFilter.Build(Make("SCMP_ACT_ERRNO", Rule("SCMP_ACT_ALLOW", names)));
        Assert.Equal(names.Length, f.RuleCount);
        Assert.Contains(program(f), i => i.Code == Insn.JgtK || i.Code == Insn.JgeK);
        static List<Insn> program(SeccompFilter f) => Bpf.Program(f);
    }

    [Fact]
    public void Errors_name_the_field()
    {
        Assert.Equal("linux.seccomp.defaultAction: unknown action \"SCMP_ACT_NOPE\"", BuildError(Make("SCMP_ACT_NOPE")));
        Assert.Equal("linux.seccomp.syscalls[1].action: unknown action \"SCMP_ACT_MAYBE\"",
            BuildError(Make("SCMP_ACT_ALLOW", Errno(1, "mkdir"), Rule("SCMP_ACT_MAYBE", "rmdir"))));
        Assert.Equal("linux.seccomp.syscalls[0].action: SCMP_ACT_NOTIFY is not supported (MyDocker has no seccomp user-notification agent)",
            BuildError(Make("SCMP_ACT_ALLOW", Rule("SCMP_ACT_NOTIFY", "mkdir"))));
        Assert.Equal("linux.seccomp.listenerPath: seccomp user notification is not supported",
            BuildError(new Seccomp { DefaultAction = "SCMP_ACT_ALLOW", ListenerPath = "/run/agent.sock" }));
        Assert.Equal("linux.seccomp.syscalls[0].args[1].index: must be between 0 and 5, got 6",
            BuildError(Make("SCMP_ACT_ALLOW", Errno(1, "kill").With(0, "SCMP_CMP_EQ", 1).With(6, "SCMP_CMP_EQ", 1))));
        Assert.Equal("linux.seccomp.syscalls[0].args[0].op: unknown operator \"SCMP_CMP_SIMILAR\"",
            BuildError(Make("SCMP_ACT_ALLOW", Errno(1, "kill").With(0, "SCMP_CMP_SIMILAR", 1))));
        Assert.Equal("linux.seccomp.syscalls[0].errnoRet: 65536 does not fit in the 16 bits of a seccomp return value",
            BuildError(Make("SCMP_ACT_ALLOW", Errno(65536, "mkdir"))));
        Assert.Equal("linux.seccomp.syscalls[0].names: must not be empty", BuildError(Make("SCMP_ACT_ALLOW", Rule("SCMP_ACT_ERRNO"))));
        Assert.Equal("linux.seccomp.syscalls[0].names[1]: must not be empty", BuildError(Make("SCMP_ACT_ALLOW", Rule("SCMP_ACT_ERRNO", "mkdir", ""))));
        var arch = Make("SCMP_ACT_ALLOW");
        arch.Architectures = ["SCMP_ARCH_X86_64", "SCMP_ARCH_PDP11"];
        Assert.Equal("linux.seccomp.architectures[1]: unknown architecture \"SCMP_ARCH_PDP11\"", BuildError(arch));
        var flag = Make("SCMP_ACT_ALLOW");
        flag.Flags = ["SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_FAST"];
        Assert.Equal("linux.seccomp.flags[1]: unknown flag \"SECCOMP_FILTER_FLAG_FAST\"", BuildError(flag));
    }

    [Fact]
    public void An_architecture_this_libseccomp_lacks_is_an_error()
    {
        // LoongArch came with libseccomp 2.6; Debian 12 has 2.5.4.
        var spec = Make("SCMP_ACT_ALLOW");
        spec.Architectures = ["SCMP_ARCH_LOONGARCH64"];
        string v = SeccompFilter.LibraryVersion;
        if (Version.Parse(v) < new Version(2, 6))
            Assert.Equal($"linux.seccomp.architectures[0]: SCMP_ARCH_LOONGARCH64 is not supported by libseccomp {v}", BuildError(spec));
        else
            SeccompFilter.Build(spec).Dispose();
    }

    [Fact]
    public void Conflicting_rules_with_arguments_are_an_error_naming_the_entry() =>
        Assert.Equal("linux.seccomp.syscalls[1].names[0]: adding the rule for \"kill\": an earlier rule has the same arguments and another action",
            BuildError(Make("SCMP_ACT_ALLOW", Errno(5, "kill").With(0, "SCMP_CMP_EQ", 3), Errno(6, "kill").With(0, "SCMP_CMP_EQ", 3))));

    [Fact]
    public void Repeated_rules_with_the_same_action_are_harmless()
    {
        using var f = SeccompFilter.Build(Make("SCMP_ACT_ALLOW",
            Errno(5, "kill", "kill").With(0, "SCMP_CMP_EQ", 3), Errno(5, "kill").With(0, "SCMP_CMP_EQ", 3),
            Errno(1, "mkdir"), Errno(1, "mkdir", "rmdir")));
        Assert.Empty(f.Warnings);
        Assert.Contains(0x00050005u, Bpf.Returns(Bpf.Program(f)));
    }

    [Fact]
    public void Conflicting_rules_without_arguments_keep_the_first_and_warn()
    {
        // libseccomp itself silently keeps the first; the warning makes it visible.
        using var f = SeccompFilter.Build(Make("SCMP_ACT_ALLOW", Errno(1, "mkdir"), Rule("SCMP_ACT_KILL_PROCESS", "mkdir"), Errno(1, "mkdir")));
        Assert.Equal(["linux.seccomp.syscalls[1].names[0]: \"mkdir\" already has a rule with another action at linux.seccomp.syscalls[0].names[0]; that one applies"],
            f.Warnings);
        Assert.Equal(1, f.RuleCount);
        var returns = Bpf.Returns(Bpf.Program(f));
        Assert.Contains(0x00050001u, returns);
        Assert.DoesNotContain(KillProcess, returns);
    }

    [Fact]
    public void A_disposed_filter_cannot_be_loaded()
    {
        var f = SeccompFilter.Build(Make("SCMP_ACT_ALLOW", Errno(1, "mkdir")));
        f.Dispose();
        Assert.Throws<ObjectDisposedException>(f.Load);
        Assert.False(f.Loaded);
    }
}
