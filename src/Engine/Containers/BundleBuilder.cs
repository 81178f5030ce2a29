using MyDocker.Engine.Api;
using MyDocker.Engine.Api.Models;
using MyDocker.Runtime.Network;
using MyDocker.Spec.Model;

namespace MyDocker.Engine.Containers;

/// <summary>
/// The heart of `docker run`: a create request (Docker's Config + HostConfig) and the image's config
/// become an OCI config.json for the runtime. Every Docker default that matters is here, named:
/// the capabilities, mounts, masked paths and device rules dockerd gives a container.
/// </summary>
public static class BundleBuilder
{
    public sealed record Input(
        string Id,
        string Hostname,
        ContainerConfigBody Request,
        ImageDefaults Image,
        string Rootfs,
        string ContainerDir,
        UserNamespaceMap? UserNamespace,
        string NetworkMode,
        List<PortMapping> Ports,
        string RuntimeBinary,
        Func<string, (uint Uid, uint Gid, List<uint> Groups)> ResolveUser);

    /// <summary>dockerd's default capability set (moby's oci/caps/defaults.go).</summary>
    public static readonly string[] DefaultCapabilities =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID",
        "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
    ];

    public const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    public static Config Build(Input input)
    {
        var req = input.Request;
        var host = req.HostConfig ?? new HostConfigBody();
        bool userNs = input.UserNamespace != null;
        var args = Args(req, input.Image);
        var user = input.ResolveUser(req.User is { Length: > 0 } u ? u : input.Image.User is { Length: > 0 } iu ? iu : "0");

        var config = new Config
        {
            OciVersion = SpecVersion.Current,
            Root = new Root { Path = input.Rootfs, Readonly = host.ReadonlyRootfs },
            Hostname = input.Hostname,
            Domainname = string.IsNullOrEmpty(req.Domainname) ? null : req.Domainname,
            Process = new Process
            {
                Terminal = req.Tty,
                Args = args,
                Env = Env(req, input.Image, input.Hostname),
                Cwd = Cwd(req.WorkingDir is { Length: > 0 } w ? w : input.Image.WorkingDir),
                User = new User { Uid = user.Uid, Gid = user.Gid, AdditionalGids = user.Groups.Count > 0 ? user.Groups : null },
                Capabilities = Capabilities(host),
                NoNewPrivileges = false,
            },
            Mounts = Mounts(input, host, userNs),
            Annotations = new() { ["org.mydocker.engine.id"] = input.Id },
            Linux = new Linux
            {
                Namespaces = Namespaces(input.NetworkMode, userNs),
                UidMappings = userNs ? [new IdMapping { ContainerID = 0, HostID = input.UserNamespace!.Value.HostStart, Size = input.UserNamespace.Value.Size }] : null,
                GidMappings = userNs ? [new IdMapping { ContainerID = 0, HostID = input.UserNamespace!.Value.HostStart, Size = input.UserNamespace.Value.Size }] : null,
                CgroupsPath = $"/mydocker/{input.Id}",
                Resources = Resources(host),
                MaskedPaths = host.Privileged ? null : [.. MaskedPaths],
                ReadonlyPaths = host.Privileged ? null : [.. ReadonlyPaths],
                Sysctl = host.Sysctls is { Count: > 0 } s ? new(s) : null,
            },
        };
        if (input.NetworkMode == "slirp4netns")
        {
            var slirp = new SlirpOptions();
            slirp.Publish.AddRange(input.Ports);
            SlirpBundle.AddNetwork(config, input.RuntimeBinary, slirp);
            // AddNetwork binds resolv.conf from the bundle; ours lives in the container's directory.
            config.Mounts!.RemoveAll(m => m.Destination == "/etc/resolv.conf" && m.Source == SlirpBundle.ResolvConfFile);
        }
        return config;
    }

    /// <summary>Docker's rule: Entrypoint + Cmd; a new Entrypoint drops the image's Cmd; nothing at all is a 400.</summary>
    public static List<string> Args(ContainerConfigBody req, ImageDefaults image)
    {
        var entrypoint = req.Entrypoint ?? image.Entrypoint ?? [];
        if (entrypoint is [""]) entrypoint = []; // --entrypoint "" clears it
        var cmd = req.Cmd ?? (req.Entrypoint != null ? null : image.Cmd) ?? [];
        var args = new List<string>(entrypoint);
        args.AddRange(cmd);
        if (args.Count == 0) throw ApiException.BadRequest("no command specified: the image has no Cmd or Entrypoint, and none was given");
        return args;
    }

    /// <summary>The image's Env, then the request's (same name: the request wins), then PATH if neither set it, HOSTNAME, TERM with a tty.</summary>
    public static List<string> Env(ContainerConfigBody req, ImageDefaults image, string hostname)
    {
        var order = new List<string>();
        var values = new Dictionary<string, string>();
        void Set(string entry)
        {
            int eq = entry.IndexOf('=');
            string key = eq < 0 ? entry : entry[..eq];
            if (key.Length == 0) throw ApiException.BadRequest($"invalid environment variable {Spec.MessageText.Quote(entry)}");
            if (eq < 0) return; // "-e NAME" with no value: the client resolves it; none here
            if (!values.ContainsKey(key)) order.Add(key);
            values[key] = entry;
        }
        if (!(image.Env ?? []).Any(e => e.StartsWith("PATH=", StringComparison.Ordinal))) Set("PATH=" + DefaultPath);
        Set("HOSTNAME=" + hostname);
        foreach (string e in image.Env ?? []) Set(e);
        foreach (string e in req.Env ?? []) Set(e);
        if (req.Tty && !values.ContainsKey("TERM")) Set("TERM=xterm");
        return order.Select(k => values[k]).ToList();
    }

    private static string Cwd(string? dir) => string.IsNullOrEmpty(dir) ? "/" : dir.StartsWith('/') ? dir : "/" + dir;

    private static Capabilities Capabilities(HostConfigBody host)
    {
        var caps = new List<string>(host.Privileged ? AllCapabilities() : DefaultCapabilities);
        foreach (string add in host.CapAdd ?? [])
        {
            if (add.Equals("ALL", StringComparison.OrdinalIgnoreCase)) { caps = AllCapabilities(); continue; }
            string name = CapName(add);
            if (!caps.Contains(name)) caps.Add(name);
        }
        foreach (string drop in host.CapDrop ?? [])
        {
            if (drop.Equals("ALL", StringComparison.OrdinalIgnoreCase)) { caps.Clear(); continue; }
            caps.Remove(CapName(drop));
        }
        return new Capabilities { Bounding = [.. caps], Effective = [.. caps], Permitted = [.. caps] };
    }

    private static string CapName(string cap) => cap.StartsWith("CAP_", StringComparison.OrdinalIgnoreCase) ? cap.ToUpperInvariant() : "CAP_" + cap.ToUpperInvariant();

    /// <summary>--privileged: every capability this kernel has.</summary>
    private static List<string> AllCapabilities() =>
        Enumerable.Range(0, Runtime.Security.CapabilityNames.LastCap() + 1).Select(Runtime.Security.CapabilityNames.Name).ToList();

    private static List<Namespace> Namespaces(string net, bool userNs)
    {
        var list = new List<Namespace> { new() { Type = "pid" }, new() { Type = "ipc" }, new() { Type = "uts" }, new() { Type = "mount" }, new() { Type = "cgroup" } };
        if (net != "host") list.Add(new Namespace { Type = "network" });
        if (userNs) list.Add(new Namespace { Type = "user" });
        return list;
    }

    /// <summary>dockerd's default mounts, then the files of the container's directory, then -v binds.</summary>
    private static List<Mount> Mounts(Input input, HostConfigBody host, bool userNs)
    {
        var mounts = new List<Mount>
        {
            new() { Destination = "/proc", Type = "proc", Source = "proc", Options = ["nosuid", "noexec", "nodev"] },
            new() { Destination = "/dev", Type = "tmpfs", Source = "tmpfs", Options = ["nosuid", "strictatime", "mode=755", "size=65536k"] },
            new() { Destination = "/dev/pts", Type = "devpts", Source = "devpts", Options = ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"] },
            new() { Destination = "/dev/mqueue", Type = "mqueue", Source = "mqueue", Options = ["nosuid", "noexec", "nodev"] },
            new() { Destination = "/dev/shm", Type = "tmpfs", Source = "shm", Options = ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"] },
        };
        // sysfs can be mounted only by the owner of the network namespace: with a user namespace and the
        // host's network, the host's /sys is bound read-only instead (as rootless podman does).
        if (userNs && input.NetworkMode == "host")
            mounts.Add(new Mount { Destination = "/sys", Type = "bind", Source = "/sys", Options = ["rbind", "nosuid", "noexec", "nodev", "ro"] });
        else
            mounts.Add(new Mount { Destination = "/sys", Type = "sysfs", Source = "sysfs", Options = ["nosuid", "noexec", "nodev", "ro"] });
        // A v1 cgroup hierarchy cannot be mounted from a user namespace: such a container has no /sys/fs/cgroup.
        if (!userNs)
            mounts.Add(new Mount { Destination = "/sys/fs/cgroup", Type = "cgroup", Source = "cgroup", Options = ["nosuid", "noexec", "nodev", "relatime", "ro"] });
        foreach (string file in new[] { "resolv.conf", "hostname", "hosts" })
            mounts.Add(new Mount { Destination = "/etc/" + file, Type = "bind", Source = Path.Combine(input.ContainerDir, file), Options = ["rbind", "rprivate"] });
        foreach (string bind in host.Binds ?? [])
            mounts.Add(BindMount(bind));
        return mounts;
    }

    /// <summary>"-v HOST:CONTAINER[:ro|rw]": both absolute (named volumes are not supported).</summary>
    public static Mount BindMount(string bind)
    {
        string[] p = bind.Split(':');
        if (p.Length is < 2 or > 3 || !p[0].StartsWith('/') || !p[1].StartsWith('/'))
            throw ApiException.BadRequest($"invalid bind {Spec.MessageText.Quote(bind)}: use /HOST/PATH:/CONTAINER/PATH[:ro] (named volumes are not supported)");
        string mode = p.Length == 3 ? p[2] : "rw";
        if (mode is not ("ro" or "rw")) throw ApiException.BadRequest($"invalid bind {Spec.MessageText.Quote(bind)}: mode {Spec.MessageText.Quote(mode)} is not ro or rw");
        return new Mount { Destination = p[1], Type = "bind", Source = p[0], Options = ["rbind", "rprivate", mode] };
    }

    private static Resources Resources(HostConfigBody host)
    {
        var r = new Resources { Devices = host.Privileged ? [new DeviceCgroupRule { Allow = true, Access = "rwm" }] : DefaultDeviceRules() };
        if (host.Memory > 0)
            // Docker's default swap is as much again; here memory+swap = memory (no swap), so a
            // container over its limit is OOM-killed rather than swapped, on any host.
            r.Memory = new Memory { Limit = host.Memory, Swap = host.MemorySwap > 0 ? host.MemorySwap : host.Memory };
        if (host.NanoCpus > 0)
            r.Cpu = new Cpu { Quota = host.NanoCpus / 10_000, Period = 100_000 }; // NanoCpus 5e8 = half a CPU = 50000/100000
        else if (host.CpuQuota > 0)
            r.Cpu = new Cpu { Quota = host.CpuQuota, Period = host.CpuPeriod > 0 ? (ulong)host.CpuPeriod : 100_000 };
        if (host.CpuShares > 0) (r.Cpu ??= new Cpu()).Shares = (ulong)host.CpuShares;
        if (host.PidsLimit is > 0) r.Pids = new Pids { Limit = host.PidsLimit.Value };
        return r;
    }

    /// <summary>dockerd's device cgroup: everything denied, then mknod of any device, and the usual character devices.</summary>
    private static List<DeviceCgroupRule> DefaultDeviceRules() =>
    [
        new() { Allow = false, Access = "rwm" },
        new() { Allow = true, Type = "c", Access = "m" },
        new() { Allow = true, Type = "b", Access = "m" },
        Dev(1, 3), Dev(1, 5), Dev(1, 7), Dev(1, 8), Dev(1, 9), Dev(5, 0), Dev(5, 1), Dev(5, 2), Dev(136, null), Dev(10, 200),
    ];

    private static DeviceCgroupRule Dev(long major, long? minor) => new() { Allow = true, Type = "c", Major = major, Minor = minor, Access = "rwm" };

    public static readonly string[] MaskedPaths =
    [
        "/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
        "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware", "/sys/devices/virtual/powercap",
    ];

    public static readonly string[] ReadonlyPaths = ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"];
}
