using MyDocker.Runtime.Interop;
using MyDocker.Runtime.Process;
using MyDocker.Runtime.Seccomp;
using MyDocker.Runtime.Security;
using MyDocker.Spec;
using MyDocker.Spec.Model;

namespace MyDocker.Runtime.Init;

/// <summary>
/// `mydocker init` in exec mode: the child already joined every namespace of the running container
/// (so "/" is the container's root), and now only prepares the process: console, executable lookup,
/// then — after "ready" — identity and exec. No mounts, no fifo: an exec'd process runs at once.
/// </summary>
public static class ExecInit
{
    public static int Main()
    {
        int syncFd = InitEnvironment.ReadFd(InitEnvironment.SyncFd);
        int configFd = InitEnvironment.ReadFd(InitEnvironment.ConfigFd);
        int consoleFd = InitEnvironment.ReadFd(InitEnvironment.ConsoleFd);
        foreach (int fd in new[] { syncFd, configFd, consoleFd })
            if (fd >= 0) Libc.Fcntl(fd, Libc.F_SETFD, Libc.FD_CLOEXEC);

        using var channel = new SyncChannel(syncFd);
        Config config;
        string path;
        int slaveFd = -1;
        SeccompProgram? seccomp;
        try
        {
            config = ContainerInit.ReadConfig(configFd);
            seccomp = SeccompHandoff.Receive(); // compiled by the runtime (runc applies the container's filter to exec'd processes too)
            MountNamespaceJoin.EnterIfAsked();
            // A container in the host's mount namespace lives in a chroot: so does what is exec'd into it.
            if (config.Linux?.Namespaces?.Any(n => n.Type == "mount") != true)
                Rootfs.HostNamespaceMounts.EnterRoot(config.Root!.Path);
            var process = config.Process ?? throw new MyDockerException("exec: no process");
            channel.Expect(SyncChannel.Go, "runtime");
            if (process.Terminal) slaveFd = ConsoleSetup.Create("/", process, consoleFd);
            path = ExecutableLookup.Find(process.Args![0], process.Env ?? new List<string>(), process.Cwd);
            ProcessSecurity.ApplyLabels(config);
            ProcessSecurity.BeforeIdentity(config, path);
            channel.Send(SyncChannel.Ready);
        }
        catch (Exception e)
        {
            ContainerInit.TrySend(channel, SyncChannel.ErrorPrefix + (e is MyDockerException ? "" : "exec: ") + ErrorText.Of(e));
            return 1;
        }
        // The channel stays open (close-on-exec): the runtime sees it close when execve succeeds, or an error line.
        return UserProgram.Exec(config, path, slaveFd, InitReport.ToExec(channel.Fd), seccomp);
    }
}
