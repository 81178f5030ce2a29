using System.Runtime.InteropServices;

namespace MyDocker.Runtime.Interop;

/// <summary>
/// Process security: capabilities (capget/capset, the prctl capability options), resource limits
/// (prlimit), I/O priority (ioprio_set), scheduling (sched_setattr), the execution domain
/// (personality) and seccomp(2)'s filter load. Used by src/Runtime/Security and src/Runtime/Seccomp.
/// Capability, ioprio, scheduler and seccomp calls act on the CALLING THREAD only: call them from the
/// thread that will execve.
/// </summary>
public static unsafe partial class Libc
{
    // ---- prctl(2) options (include/uapi/linux/prctl.h); PR_SET_NO_NEW_PRIVS is in Libc.Process.cs ----
    public const int PR_GET_KEEPCAPS = 7, PR_SET_KEEPCAPS = 8;
    public const int PR_CAPBSET_READ = 23, PR_CAPBSET_DROP = 24;
    public const int PR_GET_NO_NEW_PRIVS = 39;
    public const int PR_CAP_AMBIENT = 47;
    public const int PR_CAP_AMBIENT_IS_SET = 1, PR_CAP_AMBIENT_RAISE = 2, PR_CAP_AMBIENT_LOWER = 3, PR_CAP_AMBIENT_CLEAR_ALL = 4;

    // ---- capget(2) / capset(2) (include/uapi/linux/capability.h) ----
    /// <summary>Version 3: two 32-bit data structs, i.e. 64-bit capability sets.</summary>
    public const uint _LINUX_CAPABILITY_VERSION_3 = 0x20080522;

    [StructLayout(LayoutKind.Sequential)]
    public struct CapUserHeader { public uint Version; public int Pid; }

    /// <summary>One 32-bit slice of the three sets; version 3 passes two of them (bits 0-31, 32-63).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct CapUserData { public uint Effective, Permitted, Inheritable; }

    // syscall numbers: x86-64 / arm64 (generic table)
    private static bool IsArm64 => RuntimeInformation.ProcessArchitecture == Architecture.Arm64;
    private static long SysCapget => IsArm64 ? 90 : 125;
    private static long SysCapset => IsArm64 ? 91 : 126;
    private static long SysIoprioSet => IsArm64 ? 30 : 251;
    private static long SysIoprioGet => IsArm64 ? 31 : 252;
    private static long SysSchedSetattr => IsArm64 ? 274 : 314;
    private static long SysSchedGetattr => IsArm64 ? 275 : 315;

    /// <summary>capget(2) of the calling thread (pid 0), 64-bit sets.</summary>
    public static int CapGet(out ulong effective, out ulong permitted, out ulong inheritable)
    {
        CapUserHeader h = new() { Version = _LINUX_CAPABILITY_VERSION_3, Pid = 0 };
        CapUserData* d = stackalloc CapUserData[2];
        int r = (int)Syscall3(SysCapget, (long)&h, (long)d, 0);
        effective = d[0].Effective | ((ulong)d[1].Effective << 32);
        permitted = d[0].Permitted | ((ulong)d[1].Permitted << 32);
        inheritable = d[0].Inheritable | ((ulong)d[1].Inheritable << 32);
        return r;
    }

    /// <summary>capset(2) of the calling thread (pid 0), 64-bit sets.</summary>
    public static int CapSet(ulong effective, ulong permitted, ulong inheritable)
    {
        CapUserHeader h = new() { Version = _LINUX_CAPABILITY_VERSION_3, Pid = 0 };
        CapUserData* d = stackalloc CapUserData[2];
        d[0] = new CapUserData { Effective = (uint)effective, Permitted = (uint)permitted, Inheritable = (uint)inheritable };
        d[1] = new CapUserData { Effective = (uint)(effective >> 32), Permitted = (uint)(permitted >> 32), Inheritable = (uint)(inheritable >> 32) };
        return (int)Syscall3(SysCapset, (long)&h, (long)d, 0);
    }

    // ---- prlimit(2) ----
    public const ulong RLIM_INFINITY = ulong.MaxValue;

    [StructLayout(LayoutKind.Sequential)]
    public struct RLimit { public ulong Cur, Max; }

    /// <summary>prlimit(2) (glibc's prlimit is prlimit64): pid 0 is the calling process; either pointer may be null.</summary>
    [LibraryImport(Lib, EntryPoint = "prlimit", SetLastError = true)]
    public static partial int Prlimit(int pid, int resource, RLimit* newLimit, RLimit* oldLimit);

    // ---- seccomp(2) (include/uapi/linux/seccomp.h) ----
    public static long SysSeccomp => IsArm64 ? 277 : 317;
    public const int SECCOMP_SET_MODE_FILTER = 1;
    public const uint SECCOMP_FILTER_FLAG_TSYNC = 1, SECCOMP_FILTER_FLAG_LOG = 2, SECCOMP_FILTER_FLAG_SPEC_ALLOW = 4;

    /// <summary>struct sock_fprog: a classic BPF program (struct sock_filter[Len], 8 bytes each).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct SockFprog { public ushort Len; public nint Filter; }

    // ---- ioprio_set(2) / ioprio_get(2) (include/uapi/linux/ioprio.h) ----
    public const int IOPRIO_WHO_PROCESS = 1;
    public const int IOPRIO_CLASS_SHIFT = 13;

    /// <summary>ioprio_set(IOPRIO_WHO_PROCESS, 0, prio): pid 0 is the calling thread.</summary>
    public static int IoprioSet(int which, int who, int ioprio) => (int)Syscall3(SysIoprioSet, which, who, ioprio);

    public static int IoprioGet(int which, int who) => (int)Syscall3(SysIoprioGet, which, who, 0);

    // ---- sched_setattr(2) (include/uapi/linux/sched/types.h) ----
    /// <summary>struct sched_attr: 48 bytes (SCHED_ATTR_SIZE_VER0) up to Period, 56 with the util-clamp pair (VER1).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct SchedAttr
    {
        public uint Size;
        public uint Policy;
        public ulong Flags;
        public int Nice;
        public uint Priority;
        public ulong Runtime, Deadline, Period;
        public uint UtilMin, UtilMax;
    }
    public const uint SCHED_ATTR_SIZE_VER0 = 48, SCHED_ATTR_SIZE_VER1 = 56;

    /// <summary>sched_setattr(0, attr, 0): pid 0 is the calling thread.</summary>
    public static int SchedSetattr(int pid, SchedAttr* attr, uint flags) => (int)Syscall3(SysSchedSetattr, pid, (long)attr, flags);

    public static int SchedGetattr(int pid, SchedAttr* attr, uint size, uint flags) =>
        (int)Syscall4(SysSchedGetattr, pid, (long)attr, size, flags);

    // ---- personality(2) ----
    /// <summary>personality(2): sets the execution domain and returns the previous one; 0xffffffff only queries.</summary>
    [LibraryImport(Lib, EntryPoint = "personality", SetLastError = true)]
    public static partial int Personality(nuint persona);
    public const nuint PERSONALITY_QUERY = 0xffffffff;
}
