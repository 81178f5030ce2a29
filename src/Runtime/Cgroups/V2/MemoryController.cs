using MyDocker.Runtime.Cgroups.Stats;
using MyDocker.Runtime.Cgroups.V1;
using MyDocker.Spec;
using MyDocker.Spec.Model;

namespace MyDocker.Runtime.Cgroups.V2;

/// <summary>
/// cgroup v2 memory controller (Documentation/admin-guide/cgroup-v2.rst "Memory") for config-linux.md
/// "Memory". Conversions from the v1-shaped spec (runc's):
///  limit → memory.max (-1 → "max");
///  swap (memory+swap, v1's memsw) → memory.swap.max = swap - limit (-1 → "max"; with limit -1 and
///    swap unset both become "max"); a swap limit without a memory limit, or below it, is an error;
///  reservation → memory.low (the soft limit's closest v2 match);
///  swappiness, disableOOMKiller=true, useHierarchy=false: v2 has no such knobs → errors;
///  kernel / kernelTCP: ignored with a warning, as runc does.
/// At create, memory.max and memory.swap.max are written once init is in the cgroup
/// (ApplyContext.DeferMemoryLimits), after a check of memory.current: a limit below it is refused.
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
        if (m.Swappiness != null)
            throw new MyDockerException("linux.resources.memory.swappiness: cgroup v2 has no per-cgroup swappiness");
        if (m.DisableOOMKiller == true)
            throw new MyDockerException("linux.resources.memory.disableOOMKiller: cgroup v2 cannot disable the OOM killer");
        if (m.UseHierarchy == false)
            throw new MyDockerException("linux.resources.memory.useHierarchy: cgroup v2 is always hierarchical");

        long limit = m.Limit ?? 0, swap = m.Swap ?? 0;
        if (ctx.IsUpdate && m.CheckBeforeUpdate == true && limit > 0)
            MemoryFields.CheckUsage(limit, StatParse.Uint(f.Read(dir, "memory.current")));

        string? swapValue = SwapMax(limit, swap); // checked at create too: written with the limit
        if (!ctx.DeferMemoryLimits) SetLimits(dir, limit, swapValue, f);
        if (m.Reservation is long res && res != 0)
            f.Write(dir, "memory.low", res == -1 ? "max" : Fmt.I(res), "linux.resources.memory.reservation");
    }

    /// <summary>memory.swap.max, then memory.max.</summary>
    private static void SetLimits(string dir, long limit, string? swapValue, CgroupFiles f)
    {
        // memory.max below the usage does not fail: the kernel reclaims what it can, then OOM-kills.
        // Refuse it instead, in the words of v1's refusal.
        if (limit > 0 && StatParse.Uint(f.Read(dir, "memory.current")) is ulong current && (ulong)limit < current)
            throw MemoryFields.BelowUsage("linux.resources.memory.limit", "memory limit", limit, current, StatParse.Uint(f.Read(dir, "memory.peak")));
        if (swapValue != null)
        {
            if (!f.Exists(dir, "memory.swap.max"))
                throw new MyDockerException("linux.resources.memory.swap: the kernel does not account swap (no memory.swap.max; boot with swapaccount=1)");
            f.Write(dir, "memory.swap.max", swapValue, "linux.resources.memory.swap");
        }
        if (limit != 0)
            f.Write(dir, "memory.max", limit == -1 ? "max" : Fmt.I(limit), "linux.resources.memory.limit");
    }

    /// <summary>runc's ConvertMemorySwapToCgroupV2Value: the memory.swap.max text, or null to leave it.</summary>
    public static string? SwapMax(long limit, long swap)
    {
        if (limit == -1 && swap == 0) return "max";
        if (swap == 0) return null;
        if (swap == -1) return "max";
        if (limit == 0 || limit == -1)
            throw new MyDockerException("linux.resources.memory.swap: cgroup v2 limits swap apart from memory, so a swap limit needs a memory limit (linux.resources.memory.limit)");
        if (swap < limit)
            throw new MyDockerException($"linux.resources.memory.swap: {swap} is below linux.resources.memory.limit {limit} (the spec's swap counts memory + swap)");
        return Fmt.I(swap - limit);
    }

    /// <summary>
    /// memory.current/max/peak as usage, memory.swap.* added to memory's figures (v1's memsw shape,
    /// as runc reports it), memory.stat as raw with "file" as cache, and from memory.events the "max"
    /// count as failcnt and "oom" / "oom_kill" into raw.
    /// </summary>
    public void Stats(string dir, CgroupStats stats, CgroupFiles files)
    {
        var m = stats.Memory;
        var events = StatParse.KeyValues(files.Read(dir, "memory.events"));
        m.Usage = new MemoryEntry
        {
            Usage = StatParse.Uint(files.Read(dir, "memory.current")) ?? 0,
            Max = StatParse.Uint(files.Read(dir, "memory.peak")) ?? 0,
            Limit = StatParse.Uint(files.Read(dir, "memory.max")) ?? 0,
            Failcnt = events.GetValueOrDefault("max"),
        };
        if (StatParse.Uint(files.Read(dir, "memory.swap.current")) is ulong swapUsage)
        {
            ulong swapLimit = StatParse.Uint(files.Read(dir, "memory.swap.max")) ?? 0;
            m.Swap = new MemoryEntry
            {
                Usage = swapUsage + m.Usage.Usage,
                Limit = swapLimit == ulong.MaxValue || m.Usage.Limit == ulong.MaxValue ? ulong.MaxValue : swapLimit + m.Usage.Limit,
            };
        }
        var raw = StatParse.KeyValues(files.Read(dir, "memory.stat"));
        if (raw.TryGetValue("file", out ulong cache)) m.Cache = cache;
        if (events.TryGetValue("oom", out ulong oom)) raw["oom"] = oom;
        if (events.TryGetValue("oom_kill", out ulong kills)) raw["oom_kill"] = kills;
        m.Raw = raw.Count == 0 ? null : raw;
    }
}
