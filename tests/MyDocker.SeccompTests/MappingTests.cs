using MyDocker.Runtime.Interop;
using MyDocker.Runtime.Seccomp;
using MyDocker.Spec;

namespace MyDocker.SeccompTests;

/// <summary>config-linux.md "Seccomp" names → libseccomp values (SeccompNames), and libseccomp's own resolution of them.</summary>
public sealed class MappingTests
{
    [Theory]
    [InlineData("SCMP_ACT_KILL", null, 0x00000000u)]
    [InlineData("SCMP_ACT_KILL_THREAD", null, 0x00000000u)]
    [InlineData("SCMP_ACT_KILL_PROCESS", null, 0x80000000u)]
    [InlineData("SCMP_ACT_TRAP", null, 0x00030000u)]
    [InlineData("SCMP_ACT_ERRNO", null, 0x00050001u)]       // errnoRet defaults to EPERM
    [InlineData("SCMP_ACT_ERRNO", 38u, 0x00050026u)]
    [InlineData("SCMP_ACT_ERRNO", 0u, 0x00050000u)]
    [InlineData("SCMP_ACT_TRACE", null, 0x7ff00001u)]
    [InlineData("SCMP_ACT_TRACE", 7u, 0x7ff00007u)]
    [InlineData("SCMP_ACT_ALLOW", null, 0x7fff0000u)]
    [InlineData("SCMP_ACT_LOG", null, 0x7ffc0000u)]
    public void Actions_map_to_the_kernel_return_values(string name, uint? errno, uint expected) =>
        Assert.Equal(expected, SeccompNames.Action(name, errno, "a", "e"));

    [Fact]
    public void Action_errors_name_the_field()
    {
        Assert.Equal("linux.seccomp.syscalls[2].action: unknown action \"SCMP_ACT_FOO\"",
            Assert.Throws<MyDockerException>(() => SeccompNames.Action("SCMP_ACT_FOO", null, "linux.seccomp.syscalls[2].action", "x")).Message);
        Assert.Equal("linux.seccomp.defaultAction: SCMP_ACT_NOTIFY is not supported (MyDocker has no seccomp user-notification agent)",
            Assert.Throws<MyDockerException>(() => SeccompNames.Action("SCMP_ACT_NOTIFY", null, "linux.seccomp.defaultAction", "x")).Message);
        Assert.Equal("linux.seccomp.syscalls[0].errnoRet: 70000 does not fit in the 16 bits of a seccomp return value",
            Assert.Throws<MyDockerException>(() => SeccompNames.Action("SCMP_ACT_ERRNO", 70000, "x", "linux.seccomp.syscalls[0].errnoRet")).Message);
        Assert.Equal("linux.seccomp.defaultErrnoRet: is only allowed with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not SCMP_ACT_ALLOW",
            Assert.Throws<MyDockerException>(() => SeccompNames.Action("SCMP_ACT_ALLOW", 1, "x", "linux.seccomp.defaultErrnoRet")).Message);
    }

    [Theory]
    [InlineData("SCMP_CMP_NE", 1)]
    [InlineData("SCMP_CMP_LT", 2)]
    [InlineData("SCMP_CMP_LE", 3)]
    [InlineData("SCMP_CMP_EQ", 4)]
    [InlineData("SCMP_CMP_GE", 5)]
    [InlineData("SCMP_CMP_GT", 6)]
    [InlineData("SCMP_CMP_MASKED_EQ", 7)]
    public void Operators_map_to_enum_scmp_compare(string op, int expected) =>
        Assert.Equal(expected, SeccompNames.Operator(op, "x"));

    [Fact]
    public void An_unknown_operator_names_the_field() =>
        Assert.Equal("linux.seccomp.syscalls[1].args[0].op: unknown operator \"SCMP_CMP_ABOUT\"",
            Assert.Throws<MyDockerException>(() => SeccompNames.Operator("SCMP_CMP_ABOUT", "linux.seccomp.syscalls[1].args[0].op")).Message);

    // The tokens are the kernel's AUDIT_ARCH_* values (SCMP_ARCH_X32 is libseccomp's own: EM_X86_64 | LE).
    [Theory]
    [InlineData("SCMP_ARCH_X86_64", "x86_64", 0xC000003Eu)]
    [InlineData("SCMP_ARCH_X86", "x86", 0x40000003u)]
    [InlineData("SCMP_ARCH_X32", "x32", 0x4000003Eu)]
    [InlineData("SCMP_ARCH_AARCH64", "aarch64", 0xC00000B7u)]
    [InlineData("SCMP_ARCH_ARM", "arm", 0x40000028u)]
    [InlineData("SCMP_ARCH_PPC64LE", "ppc64le", 0xC0000015u)]
    [InlineData("SCMP_ARCH_S390X", "s390x", 0x80000016u)]
    [InlineData("SCMP_ARCH_RISCV64", "riscv64", 0xC00000F3u)]
    [InlineData("SCMP_ARCH_MIPSEL64N32", "mipsel64n32", 0xE0000008u)]
    public void Architectures_resolve_to_audit_arch_tokens(string spec, string name, uint token)
    {
        Assert.Equal(name, SeccompNames.Architecture(spec, "x"));
        Assert.Equal(token, Libseccomp.ArchResolveName(name));
    }

    [Fact]
    public void Every_architecture_the_spec_lists_has_a_libseccomp_name()
    {
        string[] spec =
        [
            "SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32", "SCMP_ARCH_ARM", "SCMP_ARCH_AARCH64", "SCMP_ARCH_MIPS",
            "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32",
            "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64", "SCMP_ARCH_PPC64LE", "SCMP_ARCH_S390", "SCMP_ARCH_S390X",
            "SCMP_ARCH_PARISC", "SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64", "SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K",
            "SCMP_ARCH_SH", "SCMP_ARCH_SHEB",
        ];
        foreach (string s in spec)
            Assert.Equal(s["SCMP_ARCH_".Length..].ToLowerInvariant(), SeccompNames.Architecture(s, "x"));
        Assert.Equal("linux.seccomp.architectures[0]: unknown architecture \"SCMP_ARCH_VAX\"",
            Assert.Throws<MyDockerException>(() => SeccompNames.Architecture("SCMP_ARCH_VAX", "linux.seccomp.architectures[0]")).Message);
    }

    [Theory]
    [InlineData("SECCOMP_FILTER_FLAG_TSYNC", 4)]
    [InlineData("SECCOMP_FILTER_FLAG_LOG", 6)]
    [InlineData("SECCOMP_FILTER_FLAG_SPEC_ALLOW", 7)]
    [InlineData("SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", 10)]
    public void Flags_map_to_filter_attributes(string flag, int attr) =>
        Assert.Equal(attr, SeccompNames.FlagAttribute(flag, "x"));

    [Fact]
    public void System_call_names_resolve_to_native_numbers()
    {
        Assert.Equal(83, Libseccomp.SyscallResolveName("mkdir"));       // x86-64 numbers
        Assert.Equal(135, Libseccomp.SyscallResolveName("personality"));
        Assert.Equal(59, Libseccomp.SyscallResolveName("execve"));
        Assert.Equal(39, Libseccomp.SyscallResolveNameArch(0x40000003, "mkdir")); // i386
        Assert.Equal(Libseccomp.NR_SCMP_ERROR, Libseccomp.SyscallResolveName("no_such_syscall"));
        // A call x86-64 lacks but other architectures have: a negative pseudo number, not an error.
        Assert.True(Libseccomp.SyscallResolveName("socketcall") < -1);
    }
}
