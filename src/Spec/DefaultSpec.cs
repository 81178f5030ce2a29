using MyDocker.Spec.Model;

namespace MyDocker.Spec;

/// <summary>
/// The config.json that `mydocker spec` writes: the same container as `runc spec` (and `runc spec --rootless`)
/// describes, with hostname "mydocker". Unlike runc, the cgroup namespace is always asked for (runc adds it
/// only on a cgroup v2 host), so the result does not depend on the machine.
/// </summary>
public static class DefaultSpec
{
    private static readonly string[] DefaultCapabilities = ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"];

    /// <summary>
    /// The default spec. <paramref name="rootless"/>: a user namespace mapping container root to
    /// <paramref name="uid"/>/<paramref name="gid"/> (pass the caller's euid/egid), no network namespace,
    /// /sys bind-mounted from the host, no uid=/gid= mount options, no cgroup resources.
    /// </summary>
    public static Config Create(bool rootless, uint uid = 0, uint gid = 0, (uint Start, uint Count)? subUids = null, (uint Start, uint Count)? subGids = null)
    {
        var config = new Config
        {
            OciVersion = SpecVersion.Current,
            Root = new Root { Path = "rootfs", Readonly = true },
            Mounts = Mounts(),
            Process = Process(),
            Hostname = "mydocker",
            Linux = new Linux
            {
                Namespaces = [Ns("pid"), Ns("network"), Ns("ipc"), Ns("uts"), Ns("mount"), Ns("cgroup")],
                MaskedPaths =
                [
                    "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
                    "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi",
                ],
                ReadonlyPaths = ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"],
                Resources = new Resources { Devices = [new DeviceCgroupRule { Allow = false, Access = "rwm" }] },
            },
        };
        if (rootless) MakeRootless(config, uid, gid, subUids, subGids);
        return config;
    }

    private static Process Process() => new()
    {
        Terminal = true,
        User = new User { Uid = 0, Gid = 0 },
        Args = ["sh"],
        Env = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"],
        Cwd = "/",
        Capabilities = new Capabilities
        {
            Bounding = [.. DefaultCapabilities],
            Effective = [.. DefaultCapabilities],
            Permitted = [.. DefaultCapabilities],
        },
        Rlimits = [new Rlimit { Type = "RLIMIT_NOFILE", Hard = 1024, Soft = 1024 }],
        NoNewPrivileges = true,
    };

    private static List<Mount> Mounts() =>
    [
        new() { Destination = "/proc", Type = "proc", Source = "proc" },
        new() { Destination = "/dev", Type = "tmpfs", Source = "tmpfs", Options = ["nosuid", "strictatime", "mode=755", "size=65536k"] },
        new()
        {
            Destination = "/dev/pts", Type = "devpts", Source = "devpts",
            Options = ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"],
        },
        new() { Destination = "/dev/shm", Type = "tmpfs", Source = "shm", Options = ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"] },
        new() { Destination = "/dev/mqueue", Type = "mqueue", Source = "mqueue", Options = ["nosuid", "noexec", "nodev"] },
        new() { Destination = "/sys", Type = "sysfs", Source = "sysfs", Options = ["nosuid", "noexec", "nodev", "ro"] },
        new() { Destination = "/sys/fs/cgroup", Type = "cgroup", Source = "cgroup", Options = ["nosuid", "noexec", "nodev", "relatime", "ro"] },
    ];

    private static Namespace Ns(string type) => new() { Type = type };

    // What runc's ToRootless does: no network namespace (an unprivileged user cannot set one up usefully),
    // a user namespace mapping container root to the caller, /sys bind-mounted (a user namespace cannot
    // mount sysfs without its own network namespace), no uid=/gid= options (those ids are not mapped),
    // and no cgroup resources (an unprivileged caller usually cannot write them).
    // With subordinate ranges for both uids and gids (podman's layout), ids 1 and up map to them:
    // the runtime then needs newuidmap/newgidmap, and files of other owners in an image keep them.
    private static void MakeRootless(Config config, uint uid, uint gid, (uint Start, uint Count)? subUids, (uint Start, uint Count)? subGids)
    {
        var linux = config.Linux!;
        linux.Namespaces = [.. linux.Namespaces!.Where(n => n.Type is not ("network" or "user")), Ns("user")];
        linux.UidMappings = [new IdMapping { ContainerID = 0, HostID = uid, Size = 1 }];
        linux.GidMappings = [new IdMapping { ContainerID = 0, HostID = gid, Size = 1 }];
        if (subUids is { } su && subGids is { } sg)
        {
            linux.UidMappings.Add(new IdMapping { ContainerID = 1, HostID = su.Start, Size = su.Count });
            linux.GidMappings.Add(new IdMapping { ContainerID = 1, HostID = sg.Start, Size = sg.Count });
        }
        linux.Resources = null;

        var mounts = new List<Mount>();
        foreach (var mount in config.Mounts!)
        {
            if (mount.Destination == "/sys")
            {
                mounts.Add(new Mount
                {
                    Destination = "/sys", Type = "none", Source = "/sys",
                    Options = ["rbind", "nosuid", "noexec", "nodev", "ro"],
                });
                continue;
            }
            mount.Options = mount.Options?.Where(o => !o.StartsWith("uid=", StringComparison.Ordinal) && !o.StartsWith("gid=", StringComparison.Ordinal)).ToList();
            mounts.Add(mount);
        }
        config.Mounts = mounts;
    }
}
