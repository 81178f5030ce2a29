using System.Text;
using MyDocker.Runtime.Interop;
using MyDocker.Spec;

namespace MyDocker.Runtime.Cgroups.V2.Devices;

/// <summary>
/// Loads a device filter (<see cref="DeviceFilter"/>) with bpf(BPF_PROG_LOAD) and attaches it to a
/// cgroup v2 directory with bpf(BPF_PROG_ATTACH, BPF_CGROUP_DEVICE). BPF_F_ALLOW_MULTI lets programs
/// of ancestors and descendants coexist (all must allow); programs this cgroup already had are
/// detached after the new one is in place (BPF_PROG_QUERY, then BPF_PROG_DETACH each), so there is
/// never a moment without a filter. The attachment holds the program: our fds are closed after.
/// </summary>
public static unsafe class DeviceProgram
{
    /// <summary>Any string is accepted when the program calls no GPL-only helper; runc says "Apache".</summary>
    private static readonly byte[] License = "Apache\0"u8.ToArray();

    public static void Attach(string dir, IReadOnlyList<BpfInsn> program, string field)
    {
        int prog = Load(program, field);
        int cg = -1;
        try
        {
            cg = Libc.Open(dir, Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_CLOEXEC, 0);
            if (cg < 0) throw Libc.Fail($"{field}: opening {dir} for the device filter");
            var old = Query(cg);
            var attach = new Libc.BpfProgAttachAttr
            {
                TargetFd = (uint)cg, AttachBpfFd = (uint)prog, AttachType = Libc.BPF_CGROUP_DEVICE, AttachFlags = Libc.BPF_F_ALLOW_MULTI,
            };
            if (Libc.Bpf(Libc.BPF_PROG_ATTACH, &attach, sizeof(Libc.BpfProgAttachAttr)) < 0)
                throw Libc.Fail($"{field}: attaching the cgroup v2 device filter (bpf BPF_PROG_ATTACH) to {dir}");
            foreach (uint id in old) Detach(cg, id);
        }
        finally
        {
            if (cg >= 0) Libc.Close(cg);
            Libc.Close(prog);
        }
    }

    private static int Load(IReadOnlyList<BpfInsn> program, string field)
    {
        byte[] insns = DeviceFilter.ToBytes(program);
        fixed (byte* pi = insns)
        fixed (byte* pl = License)
        {
            var attr = new Libc.BpfProgLoadAttr
            {
                ProgType = Libc.BPF_PROG_TYPE_CGROUP_DEVICE,
                InsnCnt = (uint)program.Count,
                Insns = (ulong)pi,
                License = (ulong)pl,
            };
            int fd = Libc.Bpf(Libc.BPF_PROG_LOAD, &attr, sizeof(Libc.BpfProgLoadAttr));
            if (fd >= 0) return fd;
            int errno = Libc.LastErrno;
            // Load again with the verifier's log, so the error says why (it should never be needed).
            var log = new byte[16384];
            fixed (byte* plog = log)
            {
                attr.LogLevel = 1;
                attr.LogSize = (uint)log.Length;
                attr.LogBuf = (ulong)plog;
                fd = Libc.Bpf(Libc.BPF_PROG_LOAD, &attr, sizeof(Libc.BpfProgLoadAttr));
                if (fd >= 0) return fd;
            }
            string text = Encoding.UTF8.GetString(log).TrimEnd('\0').Trim().Replace('\n', ' ');
            throw new MyDockerException($"{field}: loading the cgroup v2 device filter (bpf BPF_PROG_LOAD): {Libc.StrError(errno)}{(text.Length > 0 ? " (verifier: " + text + ")" : "")}", errno);
        }
    }

    /// <summary>The ids of the device programs attached to a cgroup directory.</summary>
    public static List<uint> QueryPath(string dir)
    {
        int fd = Libc.Open(dir, Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_CLOEXEC, 0);
        if (fd < 0) throw Libc.Fail($"opening {dir}");
        try { return Query(fd); }
        finally { Libc.Close(fd); }
    }

    /// <summary>The ids of the device programs attached to the cgroup itself (not inherited ones).</summary>
    public static List<uint> Query(int cgroupFd)
    {
        var ids = new uint[64];
        fixed (uint* pids = ids)
        {
            var q = new Libc.BpfProgQueryAttr
            {
                TargetFd = (uint)cgroupFd, AttachType = Libc.BPF_CGROUP_DEVICE, ProgIds = (ulong)pids, ProgCnt = (uint)ids.Length,
            };
            if (Libc.Bpf(Libc.BPF_PROG_QUERY, &q, sizeof(Libc.BpfProgQueryAttr)) < 0) return [];
            return ids.Take((int)Math.Min(q.ProgCnt, (uint)ids.Length)).ToList();
        }
    }

    private static void Detach(int cgroupFd, uint id)
    {
        var get = new Libc.BpfGetFdByIdAttr { Id = id };
        int fd = Libc.Bpf(Libc.BPF_PROG_GET_FD_BY_ID, &get, sizeof(Libc.BpfGetFdByIdAttr));
        if (fd < 0) return; // gone already
        try
        {
            var detach = new Libc.BpfProgAttachAttr { TargetFd = (uint)cgroupFd, AttachBpfFd = (uint)fd, AttachType = Libc.BPF_CGROUP_DEVICE };
            Libc.Bpf(Libc.BPF_PROG_DETACH, &detach, sizeof(Libc.BpfProgAttachAttr));
        }
        finally { Libc.Close(fd); }
    }
}
