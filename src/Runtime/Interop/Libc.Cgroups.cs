using System.Runtime.InteropServices;

namespace MyDocker.Runtime.Interop;

/// <summary>
/// What the cgroup manager (Runtime/Cgroups) needs beyond the other Libc files: rmdir(2) for
/// cgroup directories (they only ever go away with rmdir, never unlink) and bpf(2) for the cgroup v2
/// device controller, which is an eBPF program of type BPF_PROG_TYPE_CGROUP_DEVICE
/// (kernel Documentation/admin-guide/cgroup-v2.rst "Device controller").
/// statfs(2) is in Libc.Mount.cs, mkdir(2) in Libc.Process.cs.
/// </summary>
public static unsafe partial class Libc
{
    [LibraryImport(Lib, EntryPoint = "rmdir", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Rmdir(string path);

    // ---- bpf(2) ----
    public const int BPF_PROG_LOAD = 5, BPF_PROG_ATTACH = 8, BPF_PROG_DETACH = 9;
    public const int BPF_PROG_GET_FD_BY_ID = 13, BPF_PROG_QUERY = 16;
    public const uint BPF_PROG_TYPE_CGROUP_DEVICE = 15;
    public const uint BPF_CGROUP_DEVICE = 6;       // enum bpf_attach_type
    public const uint BPF_F_ALLOW_MULTI = 2;       // attach flags: other programs on the cgroup stay
    // struct bpf_cgroup_dev_ctx.access_type: (access << 16) | type
    public const int BPF_DEVCG_DEV_BLOCK = 1, BPF_DEVCG_DEV_CHAR = 2;
    public const int BPF_DEVCG_ACC_MKNOD = 1, BPF_DEVCG_ACC_READ = 2, BPF_DEVCG_ACC_WRITE = 4;

    /// <summary>The bpf(2) syscall number: not in glibc's headers as a function, so called by number.</summary>
    private static long SysBpf => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 321,
        Architecture.Arm64 => 280,
        var a => throw new PlatformNotSupportedException($"bpf(2): no syscall number for {a}"),
    };

    [LibraryImport(Lib, EntryPoint = "syscall", SetLastError = true)]
    private static partial long BpfSyscall(long number, long cmd, void* attr, long size);

    /// <summary>bpf(cmd, attr, size): returns the kernel's result (an fd for loads), -1 with errno set on failure.</summary>
    public static int Bpf(int cmd, void* attr, int size) => (int)BpfSyscall(SysBpf, cmd, attr, size);

    /// <summary>union bpf_attr, BPF_PROG_LOAD part (include/uapi/linux/bpf.h); zero-filled fields are "unset".</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct BpfProgLoadAttr
    {
        public uint ProgType;
        public uint InsnCnt;
        public ulong Insns;          // const struct bpf_insn *
        public ulong License;        // const char *
        public uint LogLevel;
        public uint LogSize;
        public ulong LogBuf;         // char *
        public uint KernVersion;
        public uint ProgFlags;
        public fixed byte ProgName[16];
        public uint ProgIfindex;
        public uint ExpectedAttachType;
    }

    /// <summary>union bpf_attr, BPF_PROG_ATTACH / BPF_PROG_DETACH part.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct BpfProgAttachAttr
    {
        public uint TargetFd;
        public uint AttachBpfFd;
        public uint AttachType;
        public uint AttachFlags;
        public uint ReplaceBpfFd;
    }

    /// <summary>union bpf_attr, BPF_PROG_QUERY part.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct BpfProgQueryAttr
    {
        public uint TargetFd;
        public uint AttachType;
        public uint QueryFlags;
        public uint AttachFlags;
        public ulong ProgIds;        // __u32 *
        public uint ProgCnt;
        public uint Padding;
    }

    /// <summary>union bpf_attr, BPF_PROG_GET_FD_BY_ID part.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct BpfGetFdByIdAttr
    {
        public uint Id;
        public uint NextId;
        public uint OpenFlags;
    }
}
