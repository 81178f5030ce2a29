namespace MyDocker.Runtime.Init;

/// <summary>
/// How the runtime hands its work to `mydocker init`: inherited file descriptors whose numbers travel
/// in a few environment variables (read first thing by init; the user program never sees them).
/// Descriptors rather than paths, because init may run as an unprivileged host uid (user namespace)
/// that cannot open anything under the root-only state directory — the runtime opens for it.
/// </summary>
public static class InitEnvironment
{
    public const string Verb = "init";
    /// <summary>init's end of the SyncChannel.</summary>
    public const string SyncFd = "_MYDOCKER_SYNC_FD";
    /// <summary>config.json as saved in the state directory, opened read-only.</summary>
    public const string ConfigFd = "_MYDOCKER_CONFIG_FD";
    /// <summary>exec.fifo opened O_PATH; init reopens it for writing through /proc to wait for `start`.</summary>
    public const string FifoFd = "_MYDOCKER_FIFO_FD";
    /// <summary>A connected console socket (process.terminal); absent without a terminal.</summary>
    public const string ConsoleFd = "_MYDOCKER_CONSOLE_FD";
    /// <summary>"exec" for `mydocker exec` (join a running container), absent for a container's first process.</summary>
    public const string Mode = "_MYDOCKER_MODE";
    public const string ExecMode = "exec";
    /// <summary>The bundle directory: relative bind-mount sources are resolved against it.</summary>
    public const string BundleDir = "_MYDOCKER_BUNDLE";
    /// <summary>How many fds from 3 up the user program keeps (--preserve-fds).</summary>
    public const string PreserveFds = "_MYDOCKER_PRESERVE_FDS";
    /// <summary>"1": MS_MOVE + chroot instead of pivot_root (--no-pivot).</summary>
    public const string NoPivot = "_MYDOCKER_NO_PIVOT";
    /// <summary>A mount namespace to enter first thing (joined by path, or the container's for exec).</summary>
    public const string MountNsFd = "_MYDOCKER_MNTNS_FD";
    /// <summary>The compiled seccomp filter (SeccompHandoff), a memfd; absent without linux.seccomp.</summary>
    public const string SeccompFd = "_MYDOCKER_SECCOMP_FD";
    /// <summary>"1" when init itself must unshare the cgroup namespace (after cgroup placement).</summary>
    public const string NewCgroupNs = "_MYDOCKER_NEW_CGROUPNS";

    public sealed record Fds(int Sync, int Config, int Fifo, int Console, int MountNs = -1, int Seccomp = -1);

    public static string[] Build(Fds fds, string bundle, bool newCgroupNs, int preserveFds = 0, bool noPivot = false)
    {
        var env = new List<string>
        {
            $"{BundleDir}={bundle}",
            $"{SyncFd}={fds.Sync}",
            $"{ConfigFd}={fds.Config}",
            $"{FifoFd}={fds.Fifo}",
        };
        if (fds.Console >= 0) env.Add($"{ConsoleFd}={fds.Console}");
        if (fds.MountNs >= 0) env.Add($"{MountNsFd}={fds.MountNs}");
        if (fds.Seccomp >= 0) env.Add($"{SeccompFd}={fds.Seccomp}");
        if (newCgroupNs) env.Add($"{NewCgroupNs}=1");
        if (preserveFds > 0) env.Add($"{PreserveFds}={preserveFds}");
        if (noPivot) env.Add($"{NoPivot}=1");
        return env.ToArray();
    }

    public static int ReadFd(string name) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), out int fd) ? fd : -1;
}
