using MyDocker.Runtime.Cgroups;
using MyDocker.Runtime.Hooks;
using MyDocker.Runtime.Init;
using MyDocker.Runtime.Interop;
using MyDocker.Runtime.Namespaces;
using MyDocker.Runtime.Process;
using MyDocker.Runtime.Seccomp;
using MyDocker.Runtime.Rootfs;
using MyDocker.Runtime.Security;
using MyDocker.Runtime.State;
using MyDocker.Spec;
using MyDocker.Spec.Model;

namespace MyDocker.Runtime.Lifecycle;

public sealed class CreateOptions
{
    public required string Id { get; init; }
    public required string Bundle { get; init; }
    public string? PidFile { get; init; }
    public string? ConsoleSocket { get; init; }
    /// <summary>--preserve-fds N: fds 3..3+N-1 of the caller reach the user program.</summary>
    public int PreserveFds { get; init; }
    /// <summary>--no-pivot: MS_MOVE + chroot instead of pivot_root.</summary>
    public bool NoPivot { get; init; }
    /// <summary>The bundle's config when the caller already loaded it (run does), else null.</summary>
    public Config? Config { get; init; }

    public CreateOptions WithConfig(Config config) => new()
    {
        Id = Id, Bundle = Bundle, PidFile = PidFile, ConsoleSocket = ConsoleSocket, Config = config,
        PreserveFds = PreserveFds, NoPivot = NoPivot,
    };
}

/// <summary>
/// runtime.md "create": build the container up to the point where only the user program is left,
/// then return with the container "created" and its init waiting on exec.fifo.
///
/// Either it succeeds, or nothing is left behind: no state directory, no process.
/// </summary>
public static class CreateOperation
{
    public static ContainerRecord Create(StateStore store, CreateOptions o, Action<string> debug, Action<string>? warn = null)
    {
        ContainerId.Validate(o.Id);
        warn ??= CgroupManager.DefaultWarn;
        string bundle = Path.GetFullPath(o.Bundle);
        if (!Directory.Exists(bundle)) throw new MyDockerException($"bundle {bundle}: no such directory");
        Config config = o.Config ?? ConfigLoader.Load(bundle);
        CheckRunnable(config, bundle);
        debug($"config.json loaded from {bundle}");
        ProcessSecurity.DebugNotes(config.Process, debug);

        // config-linux.md "Seccomp": compiled (or found in SeccompCache) before anything is made, so a
        // mistake in the profile fails here; init receives the finished program (SeccompHandoff).
        bool seccompCached = false;
        using var seccomp = config.Linux?.Seccomp is { } profile ? SeccompCache.Get(profile, store.Root, warn, out seccompCached) : null;
        if (seccomp != null) debug($"linux.seccomp: {seccomp.Length} BPF instructions {(seccompCached ? "from the cache" : "compiled")}");
        // Held until create returns: a concurrent verb on this ID waits, then sees the finished container.
        using var idLock = store.CreateLocked(o.Id);
        string dir = store.DirOf(o.Id);
        var record = new ContainerRecord
        {
            Id = o.Id,
            Bundle = bundle,
            Rootfs = config.Root!.Path,
            Created = DateTime.UtcNow,
            Owner = Libc.GetUid(),
            Annotations = config.Annotations,
            HasPoststartHooks = config.Hooks?.Poststart is { Count: > 0 },
            HasPoststopHooks = config.Hooks?.Poststop is { Count: > 0 },
            HasProcess = config.Process != null,
            MountsInHostNamespace = config.Linux?.Namespaces?.Any(n => n.Type == "mount") != true,
        };
        int pid = -1;
        ICgroupManager? cgroups = null;
        try
        {
            // Everything create will make is written down before it is made: a create killed at any
            // moment (SIGKILL cannot be caught) leaves a record from which `delete --force` removes it all.
            cgroups = NoCgroups.For(o.Id, config.Linux, warn);
            record.CgroupPaths = cgroups.Paths;
            record.CgroupCreatedPaths = cgroups.PathsToCreate();
            if (record.MountsInHostNamespace) record.HostMountsBefore = HostNamespaceMounts.Snapshot(record.Rootfs);
            store.Save(record);

            // config-linux.md "Control groups": made before init exists, so that it is born in them
            // (CloneIntoCgroups); limited right after its birth, while it starts up, and before it is
            // told to go: every instruction of its setup runs limited. Writing the limits and the
            // saved config while init's .NET start-up runs on the other CPU takes them off a
            // create's critical path (docs/PERFORMANCE.md section 5).
            cgroups.Create();

            // The config init reads (root.path made absolute), in a memfd: init may start before
            // config.json is written to the state directory.
            byte[] configBytes = System.Text.Encoding.UTF8.GetBytes(SpecJson.SerializeConfig(config, indented: false));
            string fifo = Path.Combine(dir, StateStore.FifoFile);
            Libc.Check(Libc.Mkfifo(fifo, 0x180), "mkfifo exec.fifo");
            // 0622 (past the umask): init may run as an unprivileged host uid (user namespace) and must open it for writing.
            Libc.Check(Libc.Chmod(fifo, 0x192), "chmod exec.fifo");

            using var plan = NamespacePlan.From(config);
            var (channel, initFd) = SyncChannel.CreatePair();
            using (channel)
            using (var fds = new InheritedFds())
            {
                var initFds = new InitEnvironment.Fds(
                    Sync: fds.Adopt(initFd),
                    Config: fds.Adopt(FdBytes.Memfd("config.json", configBytes, "config.json for init")),
                    Fifo: fds.Open(fifo, Libc.O_PATH),
                    Console: o.ConsoleSocket == null ? -1 : fds.Adopt(Terminal.ConsoleSocket.Connect(o.ConsoleSocket)),
                    MountNs: plan.MountJoinFd < 0 ? -1 : fds.Adopt(Libc.DupCloexec(plan.MountJoinFd)),
                    Seccomp: seccomp == null ? -1 : fds.Adopt(SeccompHandoff.ToMemfd(seccomp)));
                int exe = MydockerBinary.ForInit(plan, dir);
                try
                {
                // init is born in the container's cgroups: no migration (and its RCU grace period) after.
                using var birth = CloneIntoCgroups.Enter(cgroups);
                pid = NamespaceLauncher.Launch(new NamespaceLauncher.Request
                {
                    Plan = plan,
                    ExeFd = exe,
                    CgroupFd = birth.V2Fd,
                    StdioFd = config.Process?.Terminal == true ? fds.Open("/dev/null", Libc.O_RDWR) : -1,
                    Argv = ["mydocker", InitEnvironment.Verb],
                    Env = InitEnvironment.Build(initFds, bundle, plan.NewCgroup, o.PreserveFds, o.NoPivot),
                    SetgroupsDenied = plan.NewUser && IdMapWriter.DeniesSetgroups(config.Linux?.UidMappings),
                    BeforeGo = childPid =>
                    {
                        if (plan.NewUser) IdMapWriter.WriteMaps(childPid, config.Linux?.UidMappings, config.Linux?.GidMappings);
                        if (plan.NewTime) IdMapWriter.WriteTimeOffsets(childPid, config.Linux?.TimeOffsets);
                    },
                });
                }
                finally { Libc.Close(exe); }
                fds.Dispose(); // our copies; init has its own now
                debug($"init started, pid {pid}");
                record.Pid = pid;
                record.PidStartTime = ProcStat.Read(pid)?.StartTime ?? 0;
                record.CgroupCreatedPaths = cgroups.CreatedPaths; // what was really made, now that it is known
                cgroups.AddProcess(pid); // the hierarchies it was not born in, if any
                cgroups.Apply(config.Linux?.Resources);
                cgroups.ApplyMemoryLimits(config.Linux?.Resources); // not during the clone: see there
                store.SaveConfig(o.Id, configBytes);
                store.Save(record);

                channel.SendGo();
                if (LifecycleHooks.InitTakesPart(config))
                {
                    // Mounts are in place, pivot_root is not done yet: config.md's moment for these hooks.
                    channel.Expect(SyncChannel.Hooks, "container init");
                    string state = LifecycleHooks.StateJson(record, ContainerStatus.Creating);
                    HookRunner.RunAll("prestart", config.Hooks!.Prestart, state);
                    HookRunner.RunAll("createRuntime", config.Hooks.CreateRuntime, state);
                    channel.Send(SyncChannel.StatePrefix + state);
                }
                channel.Expect(SyncChannel.Ready, "container init");
            }
            debug("init is ready and waits for start");
            if (o.PidFile != null) PidFile.Write(o.PidFile, pid);
            return record;
        }
        catch
        {
            if (pid > 0) KillAndReap(pid);
            try { cgroups?.Destroy(parentsToo: true); }
            catch (MyDockerException e) { warn(e.Message); }
            if (record.MountsInHostNamespace) HostNamespaceMounts.UnmountMadeSince(record.Rootfs, record.HostMountsBefore);
            store.Remove(o.Id);
            throw;
        }
    }

    /// <summary>What create needs beyond a valid config: a rootfs on disk, a process, a mount namespace, id maps.</summary>
    /// <remarks>Internal, not private: fuzz/MyDocker.Fuzz runs it on every config.json the validator accepts.</remarks>
    internal static void CheckRunnable(Config config, string bundle)
    {
        HostSupport.Check(config);
        Security.Sysctl.CheckHostNetwork(config);
        // runtime.md: a config without "process" may be created; only `start` must then fail.
        if (config.Process is { } process && (process.Args == null || process.Args.Count == 0))
            throw new MyDockerException("config.json: process.args: must not be empty");
        string rootfs = Path.GetFullPath(Path.Combine(bundle, config.Root!.Path));
        if (!Directory.Exists(rootfs)) throw new MyDockerException($"config.json: root.path: {MessageText.Escape(rootfs)}: no such directory");
        // The host's own "/" (given as is or through symlinks) cannot be pivoted away from (pivot_root
        // fails with EBUSY), and would hand the whole host to the container: runc refuses it too.
        if (RootfsSetup.RealPath(rootfs) == "/")
            throw new MyDockerException($"config.json: root.path: {MessageText.Escape(rootfs)} resolves to the host's root \"/\"");
        config.Root.Path = rootfs;

        var namespaces = config.Linux?.Namespaces ?? new List<Namespace>();
        bool newUser = namespaces.Any(n => n.Type == "user" && string.IsNullOrEmpty(n.Path));
        if (newUser && ((config.Linux!.UidMappings?.Count ?? 0) == 0 || (config.Linux.GidMappings?.Count ?? 0) == 0))
            throw new MyDockerException("config.json: linux.uidMappings: a new user namespace needs both uidMappings and gidMappings");
    }

    /// <summary>We are init's parent during create: kill it and collect it, so no zombie or stray process stays.</summary>
    internal static unsafe void KillAndReap(int pid)
    {
        Libc.Kill(pid, Signals.SIGKILL);
        int status;
        Libc.WaitPid(pid, &status, 0);
    }
}
