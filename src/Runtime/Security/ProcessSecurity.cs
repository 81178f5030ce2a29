using System.Text;
using MyDocker.Runtime.Interop;
using MyDocker.Spec;
using MyDocker.Spec.Model;

namespace MyDocker.Runtime.Security;

/// <summary>
/// config.md "Process" (POSIX and Linux process fields) and config-linux.md "Personality", applied by
/// the container's init around the uid change:
///
///   ApplyLabels      (apparmorProfile, selinuxLabel: exec attributes for the coming execve)
///   BeforeIdentity   (root, before setgroups/setgid/setuid)
///   ProcessIdentity.Apply
///   AfterIdentity    (after setuid, right before execve)
///
/// Capabilities, the keep-caps flag, no_new_privs, the scheduler and the I/O priority belong to a
/// THREAD, not to the process: all of this must run on the thread that calls execve — init's main
/// thread, which is where ContainerInit runs. (glibc's setresuid changes every thread's uid, but a
/// capset on one thread changes only that thread.)
/// </summary>
public static unsafe class ProcessSecurity
{
    /// <summary>Where warnings go (unknown or unsupported capability names). Before "ready" init's stderr is the runtime's.</summary>
    public static Action<string> Warn { get; set; } = message => Process.StdStream.ErrLine($"mydocker: warning: {message}");

    /// <summary>
    /// As root (in the container's user namespace), before the identity change: oomScoreAdj, rlimits
    /// (checked, and hard limits raised: FinalExec sets them, see Rlimits), ioPriority, scheduler,
    /// personality, then the capability bounding set, and PR_SET_KEEPCAPS so the permitted set survives
    /// a setuid away from 0 (capabilities(7) "Effect of user ID changes").
    /// Everything here can fail on the host's say-so (EPERM for a hard limit above the host's); called
    /// before init reports "ready", a failure fails `create`.
    /// </summary>
    /// <param name="executable">the program init will exec, when known: memory rlimits must leave room to exec it</param>
    public static void BeforeIdentity(Config config, string? executable = null)
    {
        var process = config.Process;
        if (process is null) return;

        if (process.OomScoreAdj is int adj) WriteOomScoreAdj(adj);
        Rlimits.Prepare(process.Rlimits, executable);
        IoPrioritySettings.Apply(process.IoPriority);
        SchedulerSettings.Apply(process.Scheduler);
        PersonalitySettings.Apply(config.Linux?.Personality);

        // No "capabilities" object: leave the sets as they are (root keeps all), as runc does.
        if (process.Capabilities is not { } caps) return;
        var plan = CapabilityPlan.From(caps, CapabilityNames.LastCap());
        foreach (string w in plan.Warnings) Warn(w); // plan.Notes: the runtime process gives them under --debug (DebugNotes)

        // The bounding set limits what any later execve can grant; dropping needs CAP_SETPCAP, which we
        // still have: so it is done now, while root, and never changes again.
        foreach (int cap in plan.BoundingDrops)
            if (Libc.Prctl(Libc.PR_CAPBSET_DROP, (nuint)cap, 0, 0, 0) < 0)
                throw Libc.Fail($"process.capabilities.bounding: dropping {CapabilityNames.Name(cap)} from the bounding set");

        // A capability missing from our own bounding set (the host took it away from the runtime
        // itself) can never be granted: fail `create` now rather than capset failing at `start`.
        ulong wanted = plan.Effective | plan.Permitted | plan.Inheritable | plan.Ambient;
        foreach (int cap in Enumerable.Range(0, plan.LastCap + 1))
            if ((wanted & (1UL << cap)) != 0 && Libc.Prctl(PR_CAPBSET_READ, (nuint)cap, 0, 0, 0) == 0)
                throw new MyDockerException($"process.capabilities: {CapabilityNames.Name(cap)} is not in the runtime's own bounding set: this host does not allow it");

        if (Libc.Prctl(Libc.PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
            throw Libc.Fail("process.capabilities: prctl(PR_SET_KEEPCAPS, 1)");
    }

    private const int PR_CAPBSET_READ = 23;

    /// <summary>
    /// For the runtime process, which knows --debug (init does not): the notes on the process's
    /// capabilities, such as ambient entries left out (CapabilityPlan.AmbientLeftOut).
    /// </summary>
    public static void DebugNotes(Spec.Model.Process? process, Action<string> debug)
    {
        // Most configs (ours, Docker's) have no ambient set: then nothing to say, and no need to read
        // /proc/sys/kernel/cap_last_cap on every create.
        if (process?.Capabilities is not { Ambient.Count: > 0 } caps) return;
        foreach (string note in CapabilityPlan.AmbientLeftOut(caps, CapabilityNames.LastCap())) debug(note);
    }

    /// <summary>
    /// After setuid/setgid, as the container's user: clear keep-caps, capset the effective, permitted and
    /// inheritable sets, raise each ambient capability (they need to be permitted and inheritable, and
    /// setuid away from root has just cleared the ambient set), then noNewPrivileges.
    /// </summary>
    public static void AfterIdentity(Config config)
    {
        var process = config.Process;
        if (process is null) return;

        if (process.Capabilities is { } caps)
        {
            var plan = CapabilityPlan.From(caps, CapabilityNames.LastCap()); // warnings were given by BeforeIdentity

            if (Libc.Prctl(Libc.PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
                throw Libc.Fail("process.capabilities: prctl(PR_SET_KEEPCAPS, 0)");

            if (Libc.CapSet(plan.Effective, plan.Permitted, plan.Inheritable) < 0)
            {
                int errno = Libc.LastErrno;
                throw new MyDockerException(
                    $"process.capabilities: capset effective 0x{plan.Effective:x16} permitted 0x{plan.Permitted:x16} " +
                    $"inheritable 0x{plan.Inheritable:x16}: {Libc.StrError(errno)} (inheritable must be within bounding)", errno);
            }

            // Start from an empty ambient set: a root-to-root "change" keeps whatever the runtime had.
            if (Libc.Prctl(Libc.PR_CAP_AMBIENT, Libc.PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && plan.Ambient != 0)
                throw Libc.Fail("process.capabilities.ambient: clearing the ambient set");
            foreach (int cap in plan.AmbientRaises)
                if (Libc.Prctl(Libc.PR_CAP_AMBIENT, Libc.PR_CAP_AMBIENT_RAISE, (nuint)cap, 0, 0) < 0)
                    throw Libc.Fail($"process.capabilities.ambient: raising {CapabilityNames.Name(cap)}");
        }

        // config.md "noNewPrivileges": last, so nothing above is affected by it; execve then can't add privileges.
        if (process.NoNewPrivileges && Libc.Prctl(Libc.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
            throw Libc.Fail("process.noNewPrivileges: prctl(PR_SET_NO_NEW_PRIVS, 1)");
    }

    /// <summary>apparmorProfile and selinuxLabel (see SecurityLabels), against the real /proc and /sys.</summary>
    public static void ApplyLabels(Config config) => SecurityLabels.Apply(config, LabelHost.Default);

    /// <summary>config.md "oomScoreAdj": written to /proc/self/oom_score_adj (lowering it needs CAP_SYS_RESOURCE).</summary>
    public static void WriteOomScoreAdj(int value, string path = "/proc/self/oom_score_adj")
    {
        int fd = Libc.Open(path, Libc.O_WRONLY | Libc.O_CLOEXEC, 0);
        if (fd < 0) throw Libc.Fail($"process.oomScoreAdj: opening {path}");
        try
        {
            byte[] bytes = Encoding.ASCII.GetBytes(value.ToString(System.Globalization.CultureInfo.InvariantCulture));
            fixed (byte* b = bytes)
            {
                if (Libc.Write(fd, b, bytes.Length) < 0)
                {
                    int errno = Libc.LastErrno;
                    string hint = errno is Libc.EACCES or Libc.EPERM ? " (lowering it needs CAP_SYS_RESOURCE)" : "";
                    throw new MyDockerException($"process.oomScoreAdj: writing {value} to {path}: {Libc.StrError(errno)}{hint}", errno);
                }
            }
        }
        finally
        {
            Libc.Close(fd);
        }
    }
}
