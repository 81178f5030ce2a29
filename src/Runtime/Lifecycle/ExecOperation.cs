using MyDocker.Runtime.Cgroups;
using MyDocker.Runtime.Init;
using MyDocker.Runtime.Interop;
using MyDocker.Runtime.Namespaces;
using MyDocker.Runtime.Process;
using MyDocker.Runtime.Seccomp;
using MyDocker.Runtime.Security;
using MyDocker.Runtime.State;
using MyDocker.Runtime.Terminal;
using MyDocker.Spec;

namespace MyDocker.Runtime.Lifecycle;

public sealed class ExecOptions
{
    public required string Id { get; init; }
    /// <summary>The process to run (from --process FILE, or the container's process with the command-line overrides).</summary>
    public required Spec.Model.Process Process { get; init; }
    public bool Detach { get; init; }
    public string? PidFile { get; init; }
    public string? ConsoleSocket { get; init; }
    public int PreserveFds { get; init; }
}

/// <summary>
/// `mydocker exec`: start one more process inside a running container. The cloned child joins every
/// namespace of the container's init (/proc/PID/ns/*, user namespace first) — which is why this too
/// must happen in the single-threaded child, never in the .NET process itself — forks into the pid
/// namespace, and execs `mydocker init` in exec mode, which then becomes the requested program.
/// </summary>
public static class ExecOperation
{
    public static int Exec(StateStore store, ExecOptions o, Action<string> debug)
    {
        int pid;
        ConsoleSocketListener? listener;
        // Under the container's lock until the process runs in the container: a concurrent delete
        // waits, then kills it with the rest. Not while it runs: that may take hours.
        using (store.Lock(o.Id)) pid = Launch(store, o, debug, out listener);
        using (listener)
        {
            int master = -1;
            try
            {
                if (listener != null) master = listener.AcceptMaster(10_000);
                if (o.PidFile != null) PidFile.Write(o.PidFile, pid);
                if (o.Detach) return 0;
                return ForegroundProcess.Wait(pid, master);
            }
            finally
            {
                if (master >= 0) Libc.Close(master);
            }
        }
    }

    /// <summary>Joins the container's namespaces and cgroups and execs the process; returns its pid.</summary>
    private static int Launch(StateStore store, ExecOptions o, Action<string> debug, out ConsoleSocketListener? listener)
    {
        var record = store.Load(o.Id);
        string status = ContainerStatus.Probe(store, record);
        if (status is not (ContainerStatus.Created or ContainerStatus.Running))
            throw new MyDockerException($"cannot exec in container {ContainerId.Quote(o.Id)}: it is {status}");
        var config = store.LoadConfig(o.Id);
        config.Process = o.Process;
        if (o.Process.Args is not { Count: > 0 }) throw new MyDockerException("exec: process.args: must not be empty");
        ProcessSecurity.DebugNotes(o.Process, debug);

        bool ownConsole = o.Process.Terminal && o.ConsoleSocket == null && !o.Detach;
        if (o.Process.Terminal && o.ConsoleSocket == null && o.Detach)
            throw new MyDockerException("exec: --tty with --detach needs --console-socket");
        listener = ownConsole ? new ConsoleSocketListener() : null;
        try
        {
            // The container's filter applies to what is exec'd into it, as with runc; compiled once (SeccompCache).
            using var seccomp = config.Linux?.Seccomp is { } profile
                ? SeccompCache.Get(profile, store.Root, w => Process.StdStream.ErrLine($"mydocker: warning: {w}")) : null;
            return LaunchInto(record, store.DirOf(o.Id), config, o, listener, debug, seccomp);
        }
        catch
        {
            listener?.Dispose();
            throw;
        }
    }

    private static int LaunchInto(ContainerRecord record, string stateDir, Spec.Model.Config config, ExecOptions o, ConsoleSocketListener? listener, Action<string> debug, SeccompProgram? seccomp)
    {
        string? consoleSocket = listener?.SocketPath ?? o.ConsoleSocket;

        int pid;
        using (var plan = NamespacePlan.JoinAll(config.Linux?.Namespaces, record.Pid))
        {
            // The container's init must still be the process we recorded when we opened its namespaces.
            if (!ProcStat.IsAlive(record.Pid, record.PidStartTime))
                throw new MyDockerException($"cannot exec in container {ContainerId.Quote(o.Id)}: it has stopped");
            var (channel, initFd) = SyncChannel.CreatePair();
            using (channel)
            using (var fds = new InheritedFds())
            {
                var initFds = new InitEnvironment.Fds(
                    Sync: fds.Adopt(initFd),
                    Config: fds.Adopt(ConfigMemfd(config)),
                    Fifo: -1,
                    Console: consoleSocket == null ? -1 : fds.Adopt(ConsoleSocket.Connect(consoleSocket)),
                    MountNs: plan.MountJoinFd < 0 ? -1 : fds.Adopt(Libc.DupCloexec(plan.MountJoinFd)),
                    Seccomp: seccomp == null ? -1 : fds.Adopt(SeccompHandoff.ToMemfd(seccomp)));
                var env = InitEnvironment.Build(initFds, record.Bundle, newCgroupNs: false, o.PreserveFds).ToList();
                env.Add($"{InitEnvironment.Mode}={InitEnvironment.ExecMode}");
                int exe = MydockerBinary.Sealed(stateDir);
                var cgroups = ContainerCgroups.Of(record);
                try
                {
                    // Born in the container's cgroups (see CloneIntoCgroups); never by visiting a frozen
                    // cgroup, which would stop this thread with it.
                    using var birth = cgroups != null && !cgroups.IsFrozen() ? CloneIntoCgroups.Enter(cgroups) : null;
                    pid = NamespaceLauncher.Launch(new NamespaceLauncher.Request
                    {
                        Plan = plan,
                        ExeFd = exe,
                        CgroupFd = birth?.V2Fd ?? -1,
                        SetgroupsDenied = plan.JoinsUser && IdMapWriter.SetgroupsDeniedIn(record.Pid),
                        StdioFd = o.Process.Terminal ? fds.Open("/dev/null", Libc.O_RDWR) : -1,
                        Argv = ["mydocker", InitEnvironment.Verb],
                        Env = env.ToArray(),
                    });
                }
                finally { Libc.Close(exe); }
                fds.Dispose();
                ulong startTime = ProcStat.Read(pid)?.StartTime ?? 0;
                debug($"exec: process {pid} joined the namespaces of {record.Pid}");
                try
                {
                    // Into the container's cgroups (where it was not born there) before it runs anything of its own.
                    cgroups?.AddProcess(pid);
                    channel.SendGo();
                    channel.Expect(SyncChannel.Ready, "exec init");
                    // The channel closes when execve succeeds (close-on-exec); an error line comes otherwise,
                    // unless init died without a word.
                    string? last = channel.Receive();
                    if (last != null && last.StartsWith(SyncChannel.ErrorPrefix))
                        throw new MyDockerException(last[SyncChannel.ErrorPrefix.Length..]);
                    if (last == null && InitName.DiedBeforeExec(pid, startTime) is { } why)
                        throw new MyDockerException($"exec: its init process {why}");
                }
                catch
                {
                    CreateOperation.KillAndReap(pid);
                    throw;
                }
            }
        }

        return pid;
    }

    /// <summary>The exec'd process's config travels in an anonymous file: nothing is written to disk.</summary>
    private static int ConfigMemfd(Spec.Model.Config config) =>
        FdBytes.Memfd("mydocker-exec-config", System.Text.Encoding.UTF8.GetBytes(SpecJson.SerializeConfig(config)), "the exec config");
}

/// <summary>--pid-file: written whole through a temp file and rename (AtomicFile), as engines read it at any moment.</summary>
public static class PidFile
{
    public static void Write(string pidFile, int pid)
    {
        string full = Path.GetFullPath(pidFile);
        try
        {
            AtomicFile.Write(full, System.Text.Encoding.ASCII.GetBytes(pid.ToString()), durable: false);
        }
        catch (MyDockerException e)
        {
            throw new MyDockerException($"--pid-file {full}: {Libc.StrError(e.Errno)}", e.Errno);
        }
    }
}
