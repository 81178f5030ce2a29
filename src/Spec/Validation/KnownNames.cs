namespace MyDocker.Spec.Validation;

/// <summary>The closed lists of names that config.json may use (runtime-spec config.md, config-linux.md).</summary>
public static class KnownNames
{
    /// <summary>Linux capabilities up to Linux 6.x; the index of a name is its capability number (CAP_CHOWN = 0).</summary>
    public static readonly IReadOnlyList<string> Capabilities =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
        "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
        "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE",
        "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT",
        "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
        "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",
        "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
    ];

    /// <summary>getrlimit(2) resources; the index of a name is its resource number on x86_64 and arm64.</summary>
    public static readonly IReadOnlyList<string> Rlimits =
    [
        "RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_DATA", "RLIMIT_STACK", "RLIMIT_CORE", "RLIMIT_RSS", "RLIMIT_NPROC",
        "RLIMIT_NOFILE", "RLIMIT_MEMLOCK", "RLIMIT_AS", "RLIMIT_LOCKS", "RLIMIT_SIGPENDING", "RLIMIT_MSGQUEUE",
        "RLIMIT_NICE", "RLIMIT_RTPRIO", "RLIMIT_RTTIME",
    ];

    /// <summary>linux.namespaces[].type.</summary>
    public static readonly IReadOnlyList<string> NamespaceTypes =
        ["pid", "network", "mount", "ipc", "uts", "user", "cgroup", "time"];

    /// <summary>linux.timeOffsets keys: the clocks a time namespace can offset.</summary>
    public static readonly IReadOnlyList<string> TimeOffsetClocks = ["monotonic", "boottime"];

    /// <summary>linux.devices[].type: character, block, unbuffered character, FIFO.</summary>
    public static readonly IReadOnlyList<string> DeviceTypes = ["c", "b", "u", "p"];

    /// <summary>linux.rootfsPropagation, and the recursive forms runc also accepts.</summary>
    public static readonly IReadOnlyList<string> RootfsPropagations =
        ["shared", "slave", "private", "unbindable", "rshared", "rslave", "rprivate", "runbindable"];

    /// <summary>linux.seccomp.defaultAction and syscalls[].action.</summary>
    public static readonly IReadOnlyList<string> SeccompActions =
    [
        "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP", "SCMP_ACT_ERRNO",
        "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY",
    ];

    /// <summary>The seccomp actions that take an errno (errnoRet, defaultErrnoRet).</summary>
    public static readonly IReadOnlyList<string> SeccompActionsWithErrno = ["SCMP_ACT_ERRNO", "SCMP_ACT_TRACE"];

    /// <summary>linux.seccomp.architectures (libseccomp 2.6 names).</summary>
    public static readonly IReadOnlyList<string> SeccompArchitectures =
    [
        "SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32", "SCMP_ARCH_ARM", "SCMP_ARCH_AARCH64", "SCMP_ARCH_MIPS",
        "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32",
        "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64", "SCMP_ARCH_PPC64LE", "SCMP_ARCH_S390", "SCMP_ARCH_S390X",
        "SCMP_ARCH_PARISC", "SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64", "SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K",
        "SCMP_ARCH_SH", "SCMP_ARCH_SHEB",
    ];

    /// <summary>linux.seccomp.flags.</summary>
    public static readonly IReadOnlyList<string> SeccompFlags =
    [
        "SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
        "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
    ];

    /// <summary>linux.seccomp.syscalls[].args[].op.</summary>
    public static readonly IReadOnlyList<string> SeccompOperators =
    [
        "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ",
    ];

    /// <summary>process.scheduler.policy.</summary>
    public static readonly IReadOnlyList<string> SchedulerPolicies =
        ["SCHED_OTHER", "SCHED_FIFO", "SCHED_RR", "SCHED_BATCH", "SCHED_ISO", "SCHED_IDLE", "SCHED_DEADLINE"];

    /// <summary>process.scheduler.flags.</summary>
    public static readonly IReadOnlyList<string> SchedulerFlags =
    [
        "SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_RECLAIM", "SCHED_FLAG_DL_OVERRUN", "SCHED_FLAG_KEEP_POLICY",
        "SCHED_FLAG_KEEP_PARAMS", "SCHED_FLAG_UTIL_CLAMP_MIN", "SCHED_FLAG_UTIL_CLAMP_MAX",
    ];

    /// <summary>process.ioPriority.class.</summary>
    public static readonly IReadOnlyList<string> IoPriorityClasses = ["IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE", "IOPRIO_CLASS_IDLE"];

    /// <summary>linux.personality.domain.</summary>
    public static readonly IReadOnlyList<string> PersonalityDomains = ["LINUX", "LINUX32"];

    /// <summary>linux.resources.devices[].type: all, character, block.</summary>
    public static readonly IReadOnlyList<string> DeviceCgroupTypes = ["a", "c", "b"];
}
