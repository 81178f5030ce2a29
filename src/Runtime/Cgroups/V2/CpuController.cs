using MyDocker.Runtime.Cgroups.Stats;
using MyDocker.Runtime.Cgroups.V1;
using MyDocker.Spec;
using MyDocker.Spec.Model;

namespace MyDocker.Runtime.Cgroups.V2;

/// <summary>
/// cgroup v2 cpu controller (Documentation/admin-guide/cgroup-v2.rst "CPU") for config-linux.md "CPU".
/// Conversions from the v1-shaped spec (runc's):
///  shares → cpu.weight = 1 + ((shares - 2) * 9999) / 262142, mapping v1's 2..262144 onto v2's
///    1..10000 (shares are clamped to that range first, as the v1 kernel would);
///  quota/period → cpu.max "quota period" ("max" for quota -1; only a period: "max period");
///  burst → cpu.max.burst; idle → cpu.idle;
///  realtimeRuntime / realtimePeriod: v2 has no real-time group scheduling → error.
/// Stats come from cpu.stat, which every v2 cgroup has even without the controller.
/// </summary>
public sealed class CpuController : ICgroupController
{
    public string Name => "cpu";

    public bool IsSet(Resources r) => CpuFields.IsSetForCpu(r.Cpu);

    public string Field(Resources r) => CpuFields.FirstForCpu(r.Cpu);

    public static ulong SharesToWeight(ulong shares)
    {
        if (shares == 0) return 0;
        shares = Math.Clamp(shares, 2UL, 262144UL);
        return 1 + ((shares - 2) * 9999) / 262142;
    }

    public void Apply(string dir, Resources r, ApplyContext ctx)
    {
        var c = r.Cpu;
        if (c == null) return;
        var f = ctx.Files;
        if (c.RealtimeRuntime is not (null or 0))
            throw new MyDockerException("linux.resources.cpu.realtimeRuntime: cgroup v2 has no real-time CPU group scheduling");
        if (c.RealtimePeriod is not (null or 0))
            throw new MyDockerException("linux.resources.cpu.realtimePeriod: cgroup v2 has no real-time CPU group scheduling");
        if (c.Shares is ulong shares && shares != 0)
            f.Write(dir, "cpu.weight", Fmt.U(SharesToWeight(shares)), "linux.resources.cpu.shares");

        long quota = c.Quota ?? 0;
        ulong period = c.Period ?? 0;
        if (quota != 0 || period != 0)
        {
            string value = quota > 0 ? Fmt.I(quota) : "max";
            if (period != 0) value += " " + Fmt.U(period);
            f.Write(dir, "cpu.max", value, quota != 0 ? "linux.resources.cpu.quota" : "linux.resources.cpu.period");
        }
        if (c.Burst is long burst)
            f.Write(dir, "cpu.max.burst", Fmt.I(burst), "linux.resources.cpu.burst");
        if (c.Idle is long idle)
            f.Write(dir, "cpu.idle", Fmt.I(idle), "linux.resources.cpu.idle");
    }

    /// <summary>cpu.stat: usage/user/system and throttled time are in µs there, ns in the stats.</summary>
    public void Stats(string dir, CgroupStats stats, CgroupFiles files)
    {
        var s = StatParse.KeyValues(files.Read(dir, "cpu.stat"));
        var u = stats.Cpu.Usage;
        u.Total = s.GetValueOrDefault("usage_usec") * 1000;
        u.User = s.GetValueOrDefault("user_usec") * 1000;
        u.Kernel = s.GetValueOrDefault("system_usec") * 1000;
        var t = stats.Cpu.Throttling;
        t.Periods = s.GetValueOrDefault("nr_periods");
        t.ThrottledPeriods = s.GetValueOrDefault("nr_throttled");
        t.ThrottledTime = s.GetValueOrDefault("throttled_usec") * 1000;
    }
}
