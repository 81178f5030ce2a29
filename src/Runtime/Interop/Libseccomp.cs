using System.Runtime.InteropServices;

namespace MyDocker.Runtime.Interop;

/// <summary>
/// libseccomp (config-linux.md "Seccomp" is written in its vocabulary: SCMP_ACT_*, SCMP_ARCH_*, SCMP_CMP_*).
///
/// A class of its own, apart from <see cref="Libc"/>, because it is another library. The NativeAOT
/// binary links its static archive (libseccomp.a, DirectPInvoke in MyDocker.Cli.csproj): mydocker is
/// one static executable and needs no libseccomp on the host. The tests, run by the JIT, load
/// "libseccomp.so.2" the usual way.
///
/// libseccomp reports failure as a negative errno return value, never through errno, so nothing here
/// uses SetLastError. Constants: seccomp.h of libseccomp 2.5 (Debian's libseccomp2 2.5.4).
/// </summary>
public static unsafe partial class Libseccomp
{
    public const string Lib = "libseccomp.so.2";

    // Actions (seccomp.h "seccomp actions"); ERRNO and TRACE carry a 16-bit value in their low bits.
    public const uint SCMP_ACT_KILL_PROCESS = 0x80000000;
    public const uint SCMP_ACT_KILL_THREAD = 0x00000000;
    public const uint SCMP_ACT_KILL = SCMP_ACT_KILL_THREAD;
    public const uint SCMP_ACT_TRAP = 0x00030000;
    public const uint SCMP_ACT_NOTIFY = 0x7fc00000;
    public const uint SCMP_ACT_ERRNO_BASE = 0x00050000;
    public const uint SCMP_ACT_TRACE_BASE = 0x7ff00000;
    public const uint SCMP_ACT_LOG = 0x7ffc0000;
    public const uint SCMP_ACT_ALLOW = 0x7fff0000;

    public static uint SCMP_ACT_ERRNO(uint errno) => SCMP_ACT_ERRNO_BASE | (errno & 0xffff);
    public static uint SCMP_ACT_TRACE(uint msg) => SCMP_ACT_TRACE_BASE | (msg & 0xffff);

    // enum scmp_compare
    public const int SCMP_CMP_NE = 1, SCMP_CMP_LT = 2, SCMP_CMP_LE = 3, SCMP_CMP_EQ = 4;
    public const int SCMP_CMP_GE = 5, SCMP_CMP_GT = 6, SCMP_CMP_MASKED_EQ = 7;

    // enum scmp_filter_attr
    public const int SCMP_FLTATR_ACT_DEFAULT = 1, SCMP_FLTATR_ACT_BADARCH = 2, SCMP_FLTATR_CTL_NNP = 3;
    public const int SCMP_FLTATR_CTL_TSYNC = 4, SCMP_FLTATR_API_TSKIP = 5, SCMP_FLTATR_CTL_LOG = 6;
    public const int SCMP_FLTATR_CTL_SSB = 7, SCMP_FLTATR_CTL_OPTIMIZE = 8, SCMP_FLTATR_API_SYSRAWRC = 9;
    public const int SCMP_FLTATR_CTL_WAITKILL = 10; // libseccomp 2.6

    /// <summary>seccomp_syscall_resolve_name's "no such system call" (__NR_SCMP_ERROR).</summary>
    public const int NR_SCMP_ERROR = -1;

    /// <summary>struct scmp_arg_cmp: one argument comparison of a rule.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct ArgCmp
    {
        public uint Arg;     // argument index 0..5
        public int Op;       // enum scmp_compare
        public ulong DatumA; // the value; the mask for SCMP_CMP_MASKED_EQ
        public ulong DatumB; // the value compared after masking (SCMP_CMP_MASKED_EQ only)
    }

    /// <summary>struct scmp_version.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Version { public uint Major, Minor, Micro; }

    /// <summary>seccomp_init: a new filter context (scmp_filter_ctx), 0 when the default action is refused.</summary>
    [LibraryImport(Lib, EntryPoint = "seccomp_init")]
    public static partial nint Init(uint defaultAction);

    [LibraryImport(Lib, EntryPoint = "seccomp_release")]
    public static partial void Release(nint ctx);

    /// <summary>seccomp_arch_resolve_name: "x86_64" → SCMP_ARCH_X86_64's token; 0 when unknown to this libseccomp.</summary>
    [LibraryImport(Lib, EntryPoint = "seccomp_arch_resolve_name", StringMarshalling = StringMarshalling.Utf8)]
    public static partial uint ArchResolveName(string name);

    [LibraryImport(Lib, EntryPoint = "seccomp_arch_native")]
    public static partial uint ArchNative();

    /// <summary>seccomp_arch_add: 0, -EEXIST when already in the filter (the native one always is).</summary>
    [LibraryImport(Lib, EntryPoint = "seccomp_arch_add")]
    public static partial int ArchAdd(nint ctx, uint archToken);

    [LibraryImport(Lib, EntryPoint = "seccomp_attr_set")]
    public static partial int AttrSet(nint ctx, int attr, uint value);

    [LibraryImport(Lib, EntryPoint = "seccomp_attr_get")]
    public static partial int AttrGet(nint ctx, int attr, uint* value);

    /// <summary>The native number of a system call; negative pseudo numbers for calls other arches have; -1 when unknown.</summary>
    [LibraryImport(Lib, EntryPoint = "seccomp_syscall_resolve_name", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int SyscallResolveName(string name);

    [LibraryImport(Lib, EntryPoint = "seccomp_syscall_resolve_name_arch", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int SyscallResolveNameArch(uint archToken, string name);

    /// <summary>seccomp_rule_add_array: the comparisons of one rule are AND-ed.</summary>
    [LibraryImport(Lib, EntryPoint = "seccomp_rule_add_array")]
    public static partial int RuleAddArray(nint ctx, uint action, int syscall, uint argCount, ArgCmp* args);

    /// <summary>seccomp_export_bpf: write the raw program (struct sock_filter[], host byte order) to fd.</summary>
    [LibraryImport(Lib, EntryPoint = "seccomp_export_bpf")]
    public static partial int ExportBpf(nint ctx, int fd);

    /// <summary>seccomp_export_pfc: write a human-readable pseudo-C form of the filter to fd.</summary>
    [LibraryImport(Lib, EntryPoint = "seccomp_export_pfc")]
    public static partial int ExportPfc(nint ctx, int fd);

    [LibraryImport(Lib, EntryPoint = "seccomp_version")]
    public static partial Version* GetVersion();

    /// <summary>seccomp_api_get: what this libseccomp + kernel support (3: LOG, KILL_PROCESS; 4: SSB; 6: NOTIFY).</summary>
    [LibraryImport(Lib, EntryPoint = "seccomp_api_get")]
    public static partial uint ApiGet();
}
