namespace MyDocker.Runtime.Init;

/// <summary>
/// How the runtime hands its work to `mydocker init`: a few environment variables (read and removed
/// first thing by init, so the user program never sees them).
/// </summary>
public static class InitEnvironment
{
    public const string Verb = "init";
    /// <summary>File descriptor number of init's end of the SyncChannel.</summary>
    public const string SyncFd = "_MYDOCKER_SYNC_FD";
    /// <summary>The container's state directory (config.json, exec.fifo).</summary>
    public const string StateDir = "_MYDOCKER_STATE_DIR";
    /// <summary>Unix socket that receives the pty master (process.terminal); absent without a terminal.</summary>
    public const string ConsoleSocket = "_MYDOCKER_CONSOLE_SOCKET";
    /// <summary>"1" when init itself must unshare the cgroup namespace (after cgroup placement).</summary>
    public const string NewCgroupNs = "_MYDOCKER_NEW_CGROUPNS";
    /// <summary>"1" when the config asks for a new uts namespace (hostname may be set).</summary>
    public const string Debug = "_MYDOCKER_DEBUG";

    public static string[] Build(int syncFd, string stateDir, string? consoleSocket, bool newCgroupNs, bool debug)
    {
        var env = new List<string>
        {
            $"{SyncFd}={syncFd}",
            $"{StateDir}={stateDir}",
        };
        if (consoleSocket != null) env.Add($"{ConsoleSocket}={consoleSocket}");
        if (newCgroupNs) env.Add($"{NewCgroupNs}=1");
        if (debug) env.Add($"{Debug}=1");
        return env.ToArray();
    }
}
