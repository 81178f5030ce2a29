using MyDocker.Spec.Model;

namespace MyDocker.Spec.Validation;

/// <summary>config.md "Process", "POSIX process", "Linux Process".</summary>
internal static class ProcessRules
{
    public static void Check(Process process, Problems problems)
    {
        CheckArgs(process.Args, problems);
        CheckCwd(process.Cwd, problems);
        problems.Environment(process.Env, "process.env");
        CheckRlimits(process.Rlimits, problems);
        CheckCapabilities(process.Capabilities, problems);
        CheckOomScoreAdj(process.OomScoreAdj, problems);
        CheckScheduler(process.Scheduler, problems);
        CheckIoPriority(process.IoPriority, problems);
    }

    // args: at least one entry on Linux, and the first one is the program to run.
    private static void CheckArgs(List<string>? args, Problems problems)
    {
        if (args is null || args.Count == 0) problems.Add("process.args", "must not be empty");
        else if (args[0] is "") problems.Add("process.args[0]", "must not be empty");
    }

    private static void CheckCwd(string? cwd, Problems problems)
    {
        if (cwd is null || !cwd.StartsWith('/'))
            problems.Add("process.cwd", $"must be an absolute path, got {Problems.Quote(cwd ?? "")}");
    }

    // rlimits: known RLIMIT_* types, soft <= hard, each type once.
    private static void CheckRlimits(List<Rlimit>? rlimits, Problems problems)
    {
        var seen = new Dictionary<string, string>();
        foreach (var (rlimit, at, _) in problems.Each(rlimits, "process.rlimits"))
        {
            problems.OneOf(rlimit.Type, KnownNames.Rlimits, at + ".type", "rlimit");
            if (rlimit.Soft > rlimit.Hard)
                problems.Add(at, $"soft limit {rlimit.Soft} is greater than hard limit {rlimit.Hard}");
            if (seen.TryGetValue(rlimit.Type, out var first))
                problems.Add(at + ".type", $"duplicate {rlimit.Type} (first at {first})");
            else
                seen[rlimit.Type] = at;
        }
    }

    // capabilities: every name in every set is a Linux capability (CAP_*).
    private static void CheckCapabilities(Capabilities? capabilities, Problems problems)
    {
        if (capabilities is null) return;
        CheckCapabilitySet(capabilities.Bounding, "process.capabilities.bounding", problems);
        CheckCapabilitySet(capabilities.Effective, "process.capabilities.effective", problems);
        CheckCapabilitySet(capabilities.Inheritable, "process.capabilities.inheritable", problems);
        CheckCapabilitySet(capabilities.Permitted, "process.capabilities.permitted", problems);
        CheckCapabilitySet(capabilities.Ambient, "process.capabilities.ambient", problems);
    }

    private static void CheckCapabilitySet(List<string>? set, string path, Problems problems)
    {
        foreach (var (name, at, _) in problems.Each(set, path))
            if (!KnownNames.Capabilities.Contains(name))
                problems.Add(at, $"unknown capability {Problems.Quote(name)}");
    }

    // oom_score_adj accepts -1000..1000.
    private static void CheckOomScoreAdj(int? value, Problems problems)
    {
        if (value is < -1000 or > 1000)
            problems.Add("process.oomScoreAdj", $"must be between -1000 and 1000, got {value}");
    }

    private static void CheckScheduler(Scheduler? scheduler, Problems problems)
    {
        if (scheduler is null) return;
        problems.OneOf(scheduler.Policy, KnownNames.SchedulerPolicies, "process.scheduler.policy", "policy");
        foreach (var (flag, at, _) in problems.Each(scheduler.Flags, "process.scheduler.flags"))
            problems.OneOf(flag, KnownNames.SchedulerFlags, at, "flag");
    }

    // ioPriority: a known class, and a level from 0 (highest) to 7 (lowest).
    private static void CheckIoPriority(IoPriority? ioPriority, Problems problems)
    {
        if (ioPriority is null) return;
        problems.OneOf(ioPriority.Class, KnownNames.IoPriorityClasses, "process.ioPriority.class", "class");
        if (ioPriority.Priority is < 0 or > 7)
            problems.Add("process.ioPriority.priority", $"must be between 0 and 7, got {ioPriority.Priority}");
    }
}
