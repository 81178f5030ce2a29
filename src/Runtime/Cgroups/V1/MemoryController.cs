using MyDocker.Runtime.Cgroups.Stats;
using MyDocker.Runtime.Interop;
using MyDocker.Spec;
using MyDocker.Spec.Model;

namespace MyDocker.Runtime.Cgroups.V1;

/// <summary>
/// cgroup v1 memory controller (Documentation/admin-guide/cgroup-v1/memory.rst) for
/// config-linux.md "Memory". A value of 0 means "not set" (runc), -1 means unlimited.
///  limit → memory.limit_in_bytes, swap → memory.memsw.limit_in_bytes (memory + swap, the spec's
///  meaning too), reservation → memory.soft_limit_in_bytes, swappiness → memory.swappiness,
///  disableOOMKiller → memory.oom_control, useHierarchy → memory.use_hierarchy.
///  kernel / kernelTCP: ignored with a warning, as current runc does (the kernel deprecated kernel
///  memory limits; memory.rst "Kernel Memory Extension").
/// At create, limit and swap are written once init is in the cgroup (ApplyContext.DeferMemoryLimits):
/// the kernel then refuses (EBUSY) a limit below what init uses, and says so in runc's words.
/// </summary>
public sealed class MemoryController : ICgroupController
{
    public string Name => "memory";

    public bool IsSet(Resources r) => MemoryFields.IsSet(r.Memory);

    public string Field(Resources r) => MemoryFields.First(r.Memory);

    public void Apply(string dir, Resources r, ApplyContext ctx)
    {
        var m = r.Memory;
        if (m == null) return;
        var f = ctx.Files;
        if (!ctx.DeferMemoryLimits) SetLimits(dir, m, ctx);
        if (m.Reservation is long res && res != 0)
            f.Write(dir, "memory.soft_limit_in_bytes", Fmt.I(res), "linux.resources.memory.reservation");
        if (m.Swappiness is ulong sw)
        {
            // memory.rst: memory.swappiness takes 0-100, like runc checks before writing.
            if (sw > 100) throw new MyDockerException($"linux.resources.memory.swappiness: {sw} is out of range (0-100)");
            f.Write(dir, "memory.swappiness", Fmt.U(sw), "linux.resources.memory.swappiness");
        }
        if (m.DisableOOMKiller == true)
            f.Write(dir, "memory.oom_control", "1", "linux.resources.memory.disableOOMKiller");
        if (m.UseHierarchy is bool h)
            f.Write(dir, "memory.use_hierarchy", h ? "1" : "0", "linux.resources.memory.useHierarchy");
    }

    /// <summary>memory.limit_in_bytes and memory.memsw.limit_in_bytes.</summary>
    private static void SetLimits(string dir, Memory m, ApplyContext ctx)
    {
        var f = ctx.Files;
        long limit = m.Limit ?? 0, swap = m.Swap ?? 0;
        if (ctx.IsUpdate && m.CheckBeforeUpdate == true && limit > 0)
            MemoryFields.CheckUsage(limit, StatParse.Uint(f.Read(dir, "memory.usage_in_bytes")));

        // runc's setMemoryAndSwap: memsw must never be below the memory limit, so the order of the two
        // writes depends on where the limits are now. "-1 limit, swap unset" means both unlimited.
        bool hasMemsw = f.Exists(dir, "memory.memsw.limit_in_bytes");
        if (limit == -1 && swap == 0 && hasMemsw) swap = -1;
        bool swapFirst = false;
        if (limit != 0 && swap != 0)
        {
            ulong current = StatParse.Uint(f.Read(dir, "memory.limit_in_bytes")) ?? ulong.MaxValue;
            swapFirst = swap == -1 || current < (ulong)swap;
        }
        if (swapFirst) { SetSwap(dir, swap, hasMemsw, f); SetLimit(dir, limit, f); }
        else { SetLimit(dir, limit, f); SetSwap(dir, swap, hasMemsw, f); }
    }

    private static void SetLimit(string dir, long limit, CgroupFiles f)
    {
        if (limit == 0) return;
        int errno = f.TryWrite(dir, "memory.limit_in_bytes", Fmt.I(limit));
        if (errno == 0) return;
        // EBUSY: the kernel could not reclaim down to the new limit (memory.rst "Memory limit").
        if (errno == Libc.EBUSY)
            throw MemoryFields.BelowUsage("linux.resources.memory.limit", "memory limit", limit,
                StatParse.Uint(f.Read(dir, "memory.usage_in_bytes")), StatParse.Uint(f.Read(dir, "memory.max_usage_in_bytes")), errno);
        // EINVAL here is almost always "above memory.memsw.limit_in_bytes": say how to fix it.
        if (errno == Libc.EINVAL && StatParse.Uint(f.Read(dir, "memory.memsw.limit_in_bytes")) is ulong memsw && limit > 0 && (ulong)limit > memsw)
            throw new MyDockerException($"linux.resources.memory.limit: writing memory.limit_in_bytes: {Libc.StrError(errno)} (the memory+swap limit, {memsw}, is lower: set linux.resources.memory.swap too)", errno);
        throw CgroupFiles.WriteError("linux.resources.memory.limit", "memory.limit_in_bytes", errno);
    }

    private static void SetSwap(string dir, long swap, bool hasMemsw, CgroupFiles f)
    {
        if (swap == 0) return;
        if (!hasMemsw)
            throw new MyDockerException("linux.resources.memory.swap: the kernel does not account swap (no memory.memsw.limit_in_bytes; boot with swapaccount=1)");
        int errno = f.TryWrite(dir, "memory.memsw.limit_in_bytes", Fmt.I(swap));
        if (errno == Libc.EBUSY)
            throw MemoryFields.BelowUsage("linux.resources.memory.swap", "memory+swap limit", swap,
                StatParse.Uint(f.Read(dir, "memory.memsw.usage_in_bytes")), StatParse.Uint(f.Read(dir, "memory.memsw.max_usage_in_bytes")), errno);
        if (errno != 0) throw CgroupFiles.WriteError("linux.resources.memory.swap", "memory.memsw.limit_in_bytes", errno);
    }

    public void Stats(string dir, CgroupStats stats, CgroupFiles files)
    {
        var m = stats.Memory;
        m.Usage = Entry(dir, "memory", files);
        m.Swap = Entry(dir, "memory.memsw", files);
        m.Kernel = Entry(dir, "memory.kmem", files);
        m.KernelTCP = Entry(dir, "memory.kmem.tcp", files);
        var raw = StatParse.KeyValues(files.Read(dir, "memory.stat"));
        if (raw.TryGetValue("cache", out ulong cache)) m.Cache = cache;
        // memory.oom_control: "oom_kill_disable 0 / under_oom 0 / oom_kill N" (oom_kill since Linux 4.13).
        var oom = StatParse.KeyValues(files.Read(dir, "memory.oom_control"));
        if (oom.TryGetValue("oom_kill", out ulong kills)) raw["oom_kill"] = kills;
        m.Raw = raw.Count == 0 ? null : raw;
    }

    private static MemoryEntry Entry(string dir, string prefix, CgroupFiles f) => new()
    {
        Usage = StatParse.Uint(f.Read(dir, prefix + ".usage_in_bytes")) ?? 0,
        Max = StatParse.Uint(f.Read(dir, prefix + ".max_usage_in_bytes")) ?? 0,
        Failcnt = StatParse.Uint(f.Read(dir, prefix + ".failcnt")) ?? 0,
        Limit = StatParse.Uint(f.Read(dir, prefix + ".limit_in_bytes")) ?? 0,
    };
}

/// <summary>What the v1 and v2 memory controllers share: which fields are set, the kernel-memory warning, checkBeforeUpdate.</summary>
public static class MemoryFields
{
    /// <summary>Anything a memory controller acts on (kernel/kernelTCP are only warned about, by the manager).</summary>
    public static bool IsSet(Memory? m) => m != null && (m.Limit is not (null or 0) || m.Reservation is not (null or 0) ||
        m.Swap is not (null or 0) || m.Swappiness != null || m.DisableOOMKiller == true || m.UseHierarchy != null);

    public static string First(Memory? m) =>
        m?.Limit is not (null or 0) ? "linux.resources.memory.limit"
        : m?.Reservation is not (null or 0) ? "linux.resources.memory.reservation"
        : m?.Swap is not (null or 0) ? "linux.resources.memory.swap"
        : m?.Swappiness != null ? "linux.resources.memory.swappiness"
        : m?.DisableOOMKiller == true ? "linux.resources.memory.disableOOMKiller"
        : m?.UseHierarchy != null ? "linux.resources.memory.useHierarchy"
        : "linux.resources.memory";

    public static void WarnKernel(Memory m, Action<string> warn)
    {
        if (m.Kernel is not (null or 0))
            warn("linux.resources.memory.kernel: kernel memory limits are deprecated by the kernel and ignored (as runc does)");
        if (m.KernelTCP is not (null or 0))
            warn("linux.resources.memory.kernelTCP: kernel TCP memory limits are ignored (as runc does)");
    }

    /// <summary>
    /// A limit the kernel cannot meet, in runc's words (cgroups/fs/memory.go setMemory):
    /// "linux.resources.memory.limit: unable to set memory limit to 4096 (current usage: U, peak usage: P)".
    /// </summary>
    public static MyDockerException BelowUsage(string field, string what, long limit, ulong? usage, ulong? peak, int errno = Libc.EBUSY) =>
        new($"{field}: unable to set {what} to {limit} (current usage: {usage?.ToString() ?? "unknown"}" +
            (peak is ulong p ? $", peak usage: {p})" : ")"), errno);

    /// <summary>config-linux.md "Memory", checkBeforeUpdate: a new limit below the current usage is refused.</summary>
    public static void CheckUsage(long limit, ulong? usage)
    {
        if (usage is ulong u && (ulong)limit < u)
            throw new MyDockerException($"linux.resources.memory.limit: the new limit {limit} is below the current usage {u} (memory.checkBeforeUpdate is set)");
    }
}
