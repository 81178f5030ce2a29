using MyDocker.Runtime.Interop;
using MyDocker.Spec;
using MyDocker.Spec.Model;

namespace MyDocker.Runtime.Security;

/// <summary>
/// config.md "Scheduler": process.scheduler becomes one sched_setattr(2) call on init's main thread
/// (the thread that execs, so the user program keeps the policy). Nice and priority default to 0, as
/// the spec says; the same consistency rules as runc are checked first, so a bad combination is named
/// by its field instead of coming back as a bare EINVAL.
/// </summary>
public static unsafe class SchedulerSettings
{
    /// <summary>SCHED_* policy numbers (include/uapi/linux/sched.h). SCHED_ISO is reserved: the kernel refuses it.</summary>
    public static readonly IReadOnlyDictionary<string, uint> Policies = new Dictionary<string, uint>
    {
        ["SCHED_OTHER"] = 0, ["SCHED_FIFO"] = 1, ["SCHED_RR"] = 2, ["SCHED_BATCH"] = 3,
        ["SCHED_ISO"] = 4, ["SCHED_IDLE"] = 5, ["SCHED_DEADLINE"] = 6,
    };

    /// <summary>SCHED_FLAG_* bits of sched_attr.sched_flags.</summary>
    public static readonly IReadOnlyDictionary<string, ulong> Flags = new Dictionary<string, ulong>
    {
        ["SCHED_FLAG_RESET_ON_FORK"] = 0x01, ["SCHED_FLAG_RECLAIM"] = 0x02, ["SCHED_FLAG_DL_OVERRUN"] = 0x04,
        ["SCHED_FLAG_KEEP_POLICY"] = 0x08, ["SCHED_FLAG_KEEP_PARAMS"] = 0x10,
        ["SCHED_FLAG_UTIL_CLAMP_MIN"] = 0x20, ["SCHED_FLAG_UTIL_CLAMP_MAX"] = 0x40,
    };

    private const ulong UtilClampFlags = 0x20 | 0x40;

    /// <summary>The sched_attr for process.scheduler; throws naming the field for what the kernel would refuse.</summary>
    public static Libc.SchedAttr Build(Scheduler s)
    {
        if (!Policies.TryGetValue(s.Policy, out uint policy))
            throw new MyDockerException($"process.scheduler.policy: unknown policy \"{s.Policy}\"");
        ulong flags = 0;
        for (int i = 0; i < (s.Flags?.Count ?? 0); i++)
        {
            if (!Flags.TryGetValue(s.Flags![i], out ulong bit))
                throw new MyDockerException($"process.scheduler.flags[{i}]: unknown flag \"{s.Flags[i]}\"");
            flags |= bit;
        }
        int nice = s.Nice ?? 0;
        if (nice is < -20 or > 19)
            throw new MyDockerException($"process.scheduler.nice: must be between -20 and 19, got {nice}");
        int priority = s.Priority ?? 0;
        bool realtime = s.Policy is "SCHED_FIFO" or "SCHED_RR";
        if (priority != 0 && !realtime)
            throw new MyDockerException($"process.scheduler.priority: only SCHED_FIFO and SCHED_RR take a priority, not {s.Policy}");
        if (realtime && priority is < 1 or > 99)
            throw new MyDockerException($"process.scheduler.priority: {s.Policy} needs a priority between 1 and 99, got {priority}");
        bool deadline = s.Policy == "SCHED_DEADLINE";
        if (!deadline && (s.Runtime is > 0 || s.Deadline is > 0 || s.Period is > 0))
            throw new MyDockerException($"process.scheduler: runtime, deadline and period are for SCHED_DEADLINE only, not {s.Policy}");
        ulong runtime = s.Runtime ?? 0, dl = s.Deadline ?? 0, period = s.Period ?? 0;
        // sched(7): SCHED_DEADLINE wants runtime <= deadline <= period (a period of 0 means "= deadline").
        if (deadline && (runtime == 0 || runtime > dl || (period != 0 && dl > period)))
            throw new MyDockerException(
                $"process.scheduler: SCHED_DEADLINE needs 0 < runtime <= deadline <= period, got {runtime}/{dl}/{period}");

        return new Libc.SchedAttr
        {
            // VER0 (48 bytes) is understood by every kernel with sched_setattr; the util-clamp fields (VER1)
            // only when a util-clamp flag asks for them. The spec has no clamp values, so they stay 0.
            Size = (flags & UtilClampFlags) != 0 ? Libc.SCHED_ATTR_SIZE_VER1 : Libc.SCHED_ATTR_SIZE_VER0,
            Policy = policy,
            Flags = flags,
            Nice = nice,
            Priority = (uint)priority,
            Runtime = runtime,
            Deadline = dl,
            Period = period,
        };
    }

    /// <summary>sched_setattr(0, ...): the calling thread.</summary>
    public static void Apply(Scheduler? s)
    {
        if (s is null) return;
        var attr = Build(s);
        if (Libc.SchedSetattr(0, &attr, 0) == 0) return;
        int errno = Libc.LastErrno;
        string hint = errno == Libc.EPERM ? " (real-time policies and a lower nice value need CAP_SYS_NICE)" : "";
        throw new MyDockerException($"process.scheduler: sched_setattr {s.Policy}: {Libc.StrError(errno)}{hint}", errno);
    }
}
