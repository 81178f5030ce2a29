using System.Text;
using MyDocker.Runtime.Hooks;
using MyDocker.Runtime.Interop;
using MyDocker.Runtime.Process;
using MyDocker.Runtime.Rootfs;
using MyDocker.Runtime.Seccomp;
using MyDocker.Runtime.Security;
using MyDocker.Runtime.State;
using MyDocker.Runtime.Terminal;
using MyDocker.Spec;
using MyDocker.Spec.Model;

namespace MyDocker.Runtime.Init;

/// <summary>
/// `mydocker init`: the container's first process, already inside its namespaces (NamespaceChild
/// exec'd it). It builds the container's world from config.json, tells the runtime "ready", waits
/// on exec.fifo until `mydocker start`, and finally execs the user program — keeping its PID, so the
/// user program is the container's PID 1.
///
///  1. wait for "go"            (the runtime may first place us in a cgroup)
///  2. cgroup namespace         (unshared here, so its root is our own cgroup)
///  3. rootfs and mounts        RootfsSetup.Prepare: propagation, bind, mounts[], /dev
///  4. console                  process.terminal: a pty from the container's devpts, master sent out
///  5. pivot_root               RootfsSetup.PivotRoot, a missing process.cwd made (ProcessCwd),
///                              then readonly root, masked/readonly paths
///  6. hostname, domainname
///  7. find process.args[0]     a missing binary fails `create`, not `start`
///  8. "ready", wait on exec.fifo
///  9. identity, cwd, exec      ProcessIdentity, FinalExec (rlimits, seccomp, execve)
/// </summary>
public static unsafe class ContainerInit
{
    public static int Main()
    {
        InitName.Set();
        if (Environment.GetEnvironmentVariable(InitEnvironment.Mode) == InitEnvironment.ExecMode)
            return ExecInit.Main();
        int syncFd = InitEnvironment.ReadFd(InitEnvironment.SyncFd);
        if (syncFd < 0)
        {
            Process.StdStream.ErrLine("mydocker: init: not started by the runtime (no sync channel)");
            return 2;
        }
        int configFd = InitEnvironment.ReadFd(InitEnvironment.ConfigFd);
        int fifoFd = InitEnvironment.ReadFd(InitEnvironment.FifoFd);
        int consoleFd = InitEnvironment.ReadFd(InitEnvironment.ConsoleFd);
        bool newCgroupNs = Environment.GetEnvironmentVariable(InitEnvironment.NewCgroupNs) == "1";
        foreach (int fd in new[] { syncFd, configFd, fifoFd, consoleFd })
            if (fd >= 0) Libc.Fcntl(fd, Libc.F_SETFD, Libc.FD_CLOEXEC);

        using var channel = new SyncChannel(syncFd);
        Config config;
        string path;
        string? stateJson = null;
        int slaveFd = -1;
        int procFd;
        SeccompProgram? seccomp;
        try
        {
            config = ReadConfig(configFd);
            seccomp = SeccompHandoff.Receive(); // compiled by the runtime before the clone
            MountNamespaceJoin.EnterIfAsked();
            var process = config.Process; // null: a container that can be created but never started

            channel.Expect(SyncChannel.Go, "runtime");

            if (newCgroupNs)
                Libc.Check(Libc.Unshare((int)Libc.CLONE_NEWCGROUP), "linux.namespaces: unshare cgroup namespace");

            // exec.fifo is reopened later through the host's /proc: after pivot_root the container may have none.
            procFd = Libc.Check(Libc.Open("/proc", Libc.O_PATH | Libc.O_DIRECTORY | Libc.O_CLOEXEC, 0), "opening /proc");

            // Labels are checked against the host's /sys and written through its /proc: before any mount.
            ProcessSecurity.ApplyLabels(config);

            string rootfs = config.Root!.Path;
            // No mount namespace listed: the runtime's (the host's) is inherited, config-linux.md "Namespaces".
            bool hostMountNs = config.Linux?.Namespaces?.Any(n => n.Type == "mount") != true;
            RootfsSetup.Prepare(config, rootfs, Environment.GetEnvironmentVariable(InitEnvironment.BundleDir), hostMountNs);

            if (LifecycleHooks.InitTakesPart(config))
            {
                channel.Send(SyncChannel.Hooks);
                string? reply = channel.Receive();
                if (reply == null || !reply.StartsWith(SyncChannel.StatePrefix))
                    throw new MyDockerException("init: the runtime went away while running hooks");
                stateJson = reply[SyncChannel.StatePrefix.Length..];
                // config.md: createContainer runs in the container's namespaces, before pivot_root.
                HookRunner.RunAll("createContainer", config.Hooks!.CreateContainer, stateJson);
            }

            if (process?.Terminal == true)
                slaveFd = ConsoleSetup.Create(rootfs, process, consoleFd);

            if (hostMountNs)
                HostNamespaceMounts.EnterRoot(rootfs); // chroot: pivot_root would swap the host's own root
            else if (Environment.GetEnvironmentVariable(InitEnvironment.NoPivot) == "1")
                PivotRoot.MoveRoot(rootfs); // --no-pivot: for rootfs on ramfs; weaker, see PivotRoot.MoveRoot
            else
                RootfsSetup.PivotRoot(rootfs);
            if (slaveFd >= 0) ConsoleSetup.BindDevConsole(slaveFd);
            // config.md "cwd": made inside the new root, before it may turn read-only (runc's order).
            if (process != null) ProcessCwd.Create(process.Cwd);
            // config-linux.md "Sysctl": the container's /proc/sys, before readonlyPaths make it read-only.
            Sysctl.Apply(config);
            RootfsSetup.Finish(config);

            SetNames(config);
            if (config.Linux?.Namespaces?.Any(n => n.Type == "network" && string.IsNullOrEmpty(n.Path)) == true)
                Loopback.Up();

            path = process == null ? "" : ExecutableLookup.Find(process.Args![0], process.Env ?? new List<string>(), process.Cwd);
            // oomScoreAdj, rlimits, ioPriority, scheduler, personality, the bounding set: a value the
            // host refuses fails `create` here, cleanly, rather than `start`.
            if (process != null) ProcessSecurity.BeforeIdentity(config, path);

            channel.Send(SyncChannel.Ready);
        }
        catch (Exception e)
        {
            // Every failure, ours or not, reaches the runtime as one readable line (never a stack
            // trace on the container's stdio): `create` prints it and cleans up.
            TrySend(channel, SyncChannel.ErrorPrefix + (e is MyDockerException ? "" : "init: ") + ErrorText.Of(e));
            return 1;
        }
        channel.Dispose();

        // Blocks until `mydocker start` opens the fifo for reading (runtime.md "start").
        int fifo = Libc.OpenAt(procFd, $"self/fd/{fifoFd}", Libc.O_WRONLY | Libc.O_CLOEXEC, 0);
        if (fifo < 0) return InitReport.StderrOnly.Fail(Libc.Fail("opening exec.fifo").Message);
        byte zero = (byte)'0';
        Libc.Write(fifo, &zero, 1);
        // `fifo` stays open: it is close-on-exec, so `start` sees it close at the moment the user
        // program is exec'd (or init dies), and can run poststart hooks after that, as config.md asks.
        // A failure from here on is written to it for `start` to report.
        var report = InitReport.ToStart(fifo);
        Libc.Close(fifoFd);
        Libc.Close(procFd);

        if (config.Process == null) return report.Fail("config.json has no process to start");
        if (stateJson != null && config.Hooks!.StartContainer is { Count: > 0 } startHooks)
        {
            try
            {
                var state = SpecJson.DeserializeState(stateJson);
                state.Status = "created";
                HookRunner.RunAll("startContainer", startHooks, SpecJson.SerializeState(state));
            }
            catch (Exception e) { return report.Fail(ErrorText.Of(e)); }
        }
        return UserProgram.Exec(config, path, slaveFd, report, seccomp);
    }

    internal static Config ReadConfig(int fd)
    {
        if (fd < 0) throw new MyDockerException("init: no config descriptor from the runtime");
        using var stream = new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(fd, ownsHandle: true), FileAccess.Read);
        return SpecJson.DeserializeConfig(new StreamReader(stream).ReadToEnd());
    }

    private static void SetNames(Config config)
    {
        if (!string.IsNullOrEmpty(config.Hostname))
        {
            byte[] b = Encoding.UTF8.GetBytes(config.Hostname);
            fixed (byte* p = b) Libc.Check(Libc.SetHostname(p, (nuint)b.Length), "hostname: sethostname");
        }
        if (!string.IsNullOrEmpty(config.Domainname))
        {
            byte[] b = Encoding.UTF8.GetBytes(config.Domainname);
            fixed (byte* p = b) Libc.Check(Libc.SetDomainname(p, (nuint)b.Length), "domainname: setdomainname");
        }
    }

    /// <summary>Sends a line if the runtime still listens; false when it could not be sent.</summary>
    internal static bool TrySend(SyncChannel channel, string line)
    {
        try { channel.Send(line); return true; } catch (MyDockerException) { return false; }
    }
}
