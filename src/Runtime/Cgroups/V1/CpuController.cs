using MyDocker.Runtime.Cgroups.Stats;
using MyDocker.Runtime.Interop;
using MyDocker.Spec;
using MyDocker.Spec.Model;

namespace MyDocker.Runtime.Cgroups.V1;

/// <summary>
/// cgroup v1 cpu controller (Documentation/scheduler/sched-bwc.rst, sched-rt-group.rst) for
/// config-linux.md "CPU": shares → cpu.shares, period → cpu.cfs_period_us, quota → cpu.cfs_quota_us
/// (-1 = no limit), burst → cpu.cfs_burst_us, realtimePeriod → cpu.rt_period_us, realtimeRuntime →
/// cpu.rt_runtime_us, idle → cpu.idle. cpus/mems belong to the cpuset controller. 0 = not set (runc).
/// </summary>
public sealed class CpuController : ICgroupController
{
    public string Name => "cpu";

    public bool IsSet(Resources r) => CpuFields.IsSetForCpu(r.Cpu);

    public string Field(Resources r) => CpuFields.FirstForCpu(r.Cpu);

    public void Apply(string dir, Resources r, ApplyContext ctx)
    {
        var c = r.Cpu;
        if (c == null) return;
        var f = ctx.Files;
        if (c.Shares is ulong shares && shares != 0)
        {
            f.Write(dir, "cpu.shares", Fmt.U(shares), "linux.resources.cpu.shares");
            // The kernel clamps out-of-range shares (2..262144) without an error: read back like runc and say so.
            if (StatParse.Uint(f.Read(dir, "cpu.shares")) is ulong got && got != shares)
                throw new MyDockerException($"linux.resources.cpu.shares: the kernel set {got} instead of {shares} (the range is 2 to 262144)");
        }

        // sched-bwc.rst: a new period can be refused (EINVAL) while the old quota/new period ratio
        // exceeds the parent's limit; when a quota is being set too, retry the period after it (runc).
        long quota = c.Quota ?? 0;
        bool periodPending = false;
        if (c.Period is ulong period && period != 0)
        {
            int errno = f.TryWrite(dir, "cpu.cfs_period_us", Fmt.U(period));
            if (errno == Libc.EINVAL && quota != 0) periodPending = true;
            else if (errno != 0) throw CgroupFiles.WriteError("linux.resources.cpu.period", "cpu.cfs_period_us", errno);
        }
        if (quota != 0)
            f.Write(dir, "cpu.cfs_quota_us", Fmt.I(quota), "linux.resources.cpu.quota");
        if (periodPending)
            f.Write(dir, "cpu.cfs_period_us", Fmt.U(c.Period!.Value), "linux.resources.cpu.period");
        if (c.Burst is long burst)
            f.Write(dir, "cpu.cfs_burst_us", Fmt.I(burst), "linux.resources.cpu.burst");

        // sched-rt-group.rst: the runtime must fit the period, so the period goes first.
        if (c.RealtimePeriod is ulong rtPeriod && rtPeriod != 0)
            f.Write(dir, "cpu.rt_period_us", Fmt.U(rtPeriod), "linux.resources.cpu.realtimePeriod");
        if (c.RealtimeRuntime is long rtRuntime && rtRuntime != 0)
            f.Write(dir, "cpu.rt_runtime_us", Fmt.I(rtRuntime), "linux.resources.cpu.realtimeRuntime");
        if (c.Idle is long idle)
            f.Write(dir, "cpu.idle", Fmt.I(idle), "linux.resources.cpu.idle");
    }

    /// <summary>Throttling from cpu.stat (nr_periods, nr_throttled, throttled_time in ns).</summary>
    public void Stats(string dir, CgroupStats stats, CgroupFiles files)
    {
        var s = StatParse.KeyValues(files.Read(dir, "cpu.stat"));
        var t = stats.Cpu.Throttling;
        t.Periods = s.GetValueOrDefault("nr_periods");
        t.ThrottledPeriods = s.GetValueOrDefault("nr_throttled");
        t.ThrottledTime = s.GetValueOrDefault("throttled_time");
    }
}

/// <summary>Which CPU fields the cpu controller serves (v1 and v2 alike); cpus/mems are cpuset's.</summary>
public static class CpuFields
{
    public static bool IsSetForCpu(Cpu? c) => c != null && (c.Shares is not (null or 0) || c.Quota is not (null or 0) ||
        c.Period is not (null or 0) || c.Burst != null || c.RealtimePeriod is not (null or 0) || c.RealtimeRuntime is not (null or 0) || c.Idle != null);

    public static string FirstForCpu(Cpu? c) =>
        c?.Shares is not (null or 0) ? "linux.resources.cpu.shares"
        : c?.Quota is not (null or 0) ? "linux.resources.cpu.quota"
        : c?.Period is not (null or 0) ? "linux.resources.cpu.period"
        : c?.Burst != null ? "linux.resources.cpu.burst"
        : c?.RealtimePeriod is not (null or 0) ? "linux.resources.cpu.realtimePeriod"
        : c?.RealtimeRuntime is not (null or 0) ? "linux.resources.cpu.realtimeRuntime"
        : "linux.resources.cpu.idle";

    public static bool IsSetForCpuset(Cpu? c) => !string.IsNullOrEmpty(c?.Cpus) || !string.IsNullOrEmpty(c?.Mems);

    public static string FirstForCpuset(Cpu? c) => !string.IsNullOrEmpty(c?.Cpus) ? "linux.resources.cpu.cpus" : "linux.resources.cpu.mems";
}
