using MyDocker.Runtime.Interop;
using MyDocker.Spec;

namespace MyDocker.Runtime.Seccomp;

/// <summary>
/// config-linux.md "Seccomp" names → libseccomp values: actions (defaultAction, syscalls[].action),
/// comparison operators (syscalls[].args[].op) and architectures (architectures[]).
/// Pure tables, no libseccomp call: every error here names the config field it comes from.
/// </summary>
public static class SeccompNames
{
    /// <summary>errnoRet when none is given: EPERM, as runc (and the spec's "SCMP_ACT_ERRNO" example) use.</summary>
    public const uint DefaultErrno = 1;

    /// <summary>
    /// The libseccomp action value of a spec action. SCMP_ACT_ERRNO and SCMP_ACT_TRACE carry
    /// errnoRet (default EPERM) in their low 16 bits; SCMP_ACT_KILL is the thread-killing action,
    /// as in libseccomp. SCMP_ACT_NOTIFY needs a user-notification agent (linux.seccomp.listenerPath),
    /// which MyDocker does not have: it is an error rather than a filter that would hang the container.
    /// </summary>
    /// <param name="field">the config field of the action, e.g. "linux.seccomp.syscalls[3].action"</param>
    /// <param name="errnoField">the config field of the errno, e.g. "linux.seccomp.syscalls[3].errnoRet"</param>
    public static uint Action(string name, uint? errnoRet, string field, string errnoField)
    {
        bool takesErrno = name is "SCMP_ACT_ERRNO" or "SCMP_ACT_TRACE";
        if (errnoRet is { } e)
        {
            if (!takesErrno && IsKnownAction(name))
                throw new MyDockerException($"{errnoField}: is only allowed with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not {name}");
            // The kernel's SECCOMP_RET_DATA is 16 bits; libseccomp would silently cut a bigger value.
            if (e > 0xffff)
                throw new MyDockerException($"{errnoField}: {e} does not fit in the 16 bits of a seccomp return value");
        }
        uint errno = errnoRet ?? DefaultErrno;
        return name switch
        {
            "SCMP_ACT_KILL" => Libseccomp.SCMP_ACT_KILL,
            "SCMP_ACT_KILL_THREAD" => Libseccomp.SCMP_ACT_KILL_THREAD,
            "SCMP_ACT_KILL_PROCESS" => Libseccomp.SCMP_ACT_KILL_PROCESS,
            "SCMP_ACT_TRAP" => Libseccomp.SCMP_ACT_TRAP,
            "SCMP_ACT_ERRNO" => Libseccomp.SCMP_ACT_ERRNO(errno),
            "SCMP_ACT_TRACE" => Libseccomp.SCMP_ACT_TRACE(errno),
            "SCMP_ACT_ALLOW" => Libseccomp.SCMP_ACT_ALLOW,
            "SCMP_ACT_LOG" => Libseccomp.SCMP_ACT_LOG,
            "SCMP_ACT_NOTIFY" => throw new MyDockerException(
                $"{field}: SCMP_ACT_NOTIFY is not supported (MyDocker has no seccomp user-notification agent)"),
            _ => throw new MyDockerException($"{field}: unknown action \"{name}\""),
        };
    }

    private static bool IsKnownAction(string name) => name is "SCMP_ACT_KILL" or "SCMP_ACT_KILL_THREAD"
        or "SCMP_ACT_KILL_PROCESS" or "SCMP_ACT_TRAP" or "SCMP_ACT_ERRNO" or "SCMP_ACT_TRACE" or "SCMP_ACT_ALLOW"
        or "SCMP_ACT_LOG" or "SCMP_ACT_NOTIFY";

    /// <summary>enum scmp_compare of a spec operator.</summary>
    public static int Operator(string op, string field) => op switch
    {
        "SCMP_CMP_NE" => Libseccomp.SCMP_CMP_NE,
        "SCMP_CMP_LT" => Libseccomp.SCMP_CMP_LT,
        "SCMP_CMP_LE" => Libseccomp.SCMP_CMP_LE,
        "SCMP_CMP_EQ" => Libseccomp.SCMP_CMP_EQ,
        "SCMP_CMP_GE" => Libseccomp.SCMP_CMP_GE,
        "SCMP_CMP_GT" => Libseccomp.SCMP_CMP_GT,
        "SCMP_CMP_MASKED_EQ" => Libseccomp.SCMP_CMP_MASKED_EQ,
        _ => throw new MyDockerException($"{field}: unknown operator \"{op}\""),
    };

    /// <summary>
    /// The name libseccomp's seccomp_arch_resolve_name knows for a spec architecture
    /// ("SCMP_ARCH_X86_64" → "x86_64"). The spec lists the SCMP_ARCH_* macros of libseccomp's
    /// seccomp.h; libseccomp names each one by its lower-cased suffix.
    /// </summary>
    public static string Architecture(string specName, string field) => specName switch
    {
        "SCMP_ARCH_X86" => "x86",
        "SCMP_ARCH_X86_64" => "x86_64",
        "SCMP_ARCH_X32" => "x32",
        "SCMP_ARCH_ARM" => "arm",
        "SCMP_ARCH_AARCH64" => "aarch64",
        "SCMP_ARCH_MIPS" => "mips",
        "SCMP_ARCH_MIPS64" => "mips64",
        "SCMP_ARCH_MIPS64N32" => "mips64n32",
        "SCMP_ARCH_MIPSEL" => "mipsel",
        "SCMP_ARCH_MIPSEL64" => "mipsel64",
        "SCMP_ARCH_MIPSEL64N32" => "mipsel64n32",
        "SCMP_ARCH_PPC" => "ppc",
        "SCMP_ARCH_PPC64" => "ppc64",
        "SCMP_ARCH_PPC64LE" => "ppc64le",
        "SCMP_ARCH_S390" => "s390",
        "SCMP_ARCH_S390X" => "s390x",
        "SCMP_ARCH_PARISC" => "parisc",
        "SCMP_ARCH_PARISC64" => "parisc64",
        "SCMP_ARCH_RISCV64" => "riscv64",
        "SCMP_ARCH_LOONGARCH64" => "loongarch64",
        "SCMP_ARCH_M68K" => "m68k",
        "SCMP_ARCH_SH" => "sh",
        "SCMP_ARCH_SHEB" => "sheb",
        _ => throw new MyDockerException($"{field}: unknown architecture \"{specName}\""),
    };

    /// <summary>The libseccomp filter attribute a spec flag sets to 1.</summary>
    public static int FlagAttribute(string flag, string field) => flag switch
    {
        "SECCOMP_FILTER_FLAG_TSYNC" => Libseccomp.SCMP_FLTATR_CTL_TSYNC,
        "SECCOMP_FILTER_FLAG_LOG" => Libseccomp.SCMP_FLTATR_CTL_LOG,
        "SECCOMP_FILTER_FLAG_SPEC_ALLOW" => Libseccomp.SCMP_FLTATR_CTL_SSB,
        "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV" => Libseccomp.SCMP_FLTATR_CTL_WAITKILL,
        _ => throw new MyDockerException($"{field}: unknown flag \"{flag}\""),
    };
}
