using MyDocker.Spec;
using MyDocker.Runtime.Interop;
using MyDocker.Runtime.Rootfs;

namespace MyDocker.Runtime.Cgroups;

/// <summary>Which cgroup versions the host runs (kernel Documentation/admin-guide/cgroup-v1 and cgroup-v2.rst).</summary>
public enum CgroupMode
{
    /// <summary>cgroup v1 only: one hierarchy per controller (or co-mounted group), no cgroup2.</summary>
    Legacy,
    /// <summary>cgroup v1 controllers, plus cgroup2 mounted (usually at /sys/fs/cgroup/unified) with few or no controllers.</summary>
    Hybrid,
    /// <summary>cgroup v2 only: one hierarchy at /sys/fs/cgroup, controllers enabled through cgroup.subtree_control.</summary>
    Unified,
}

/// <summary>
/// One mounted cgroup v1 hierarchy: where it is mounted, the cgroup its mount shows as its root
/// (mountinfo field 4: "/" unless a sub-tree was mounted, e.g. inside a container), and its
/// controllers ("cpu", "cpuacct", ... or "name=systemd" for a named hierarchy without controllers).
/// </summary>
public sealed record V1Hierarchy(string MountPoint, string Root, IReadOnlyList<string> Controllers)
{
    public bool Has(string controller) => Controllers.Contains(controller);

    /// <summary>The key of this hierarchy in /proc/self/cgroup ("cpu,cpuacct", "name=systemd").</summary>
    public string Key => string.Join(',', Controllers);
}

/// <summary>
/// The host's cgroup layout, found once per process: the mode, the v1 hierarchies, the cgroup2 mount,
/// and this process's own cgroup in each (/proc/self/cgroup; relative cgroupsPath values are made
/// under it, config-linux.md "Control groups": "relative to the cgroup of the runtime's process" is
/// runc's reading, which we follow).
/// </summary>
public sealed class CgroupLayout
{
    /// <summary>The cgroup v1 controllers the kernel has (Documentation/admin-guide/cgroup-v1/*); other mount options are not controllers.</summary>
    public static readonly IReadOnlySet<string> V1Controllers = new HashSet<string>
    {
        "cpuset", "cpu", "cpuacct", "blkio", "memory", "devices", "freezer", "net_cls", "perf_event",
        "net_prio", "hugetlb", "pids", "rdma", "misc",
    };

    public CgroupMode Mode { get; }
    public IReadOnlyList<V1Hierarchy> V1 { get; }
    /// <summary>Where cgroup2 is mounted (Unified: /sys/fs/cgroup; Hybrid: usually /sys/fs/cgroup/unified), or null.</summary>
    public string? UnifiedMountPoint { get; }
    /// <summary>The mountinfo root of the cgroup2 mount ("/" normally).</summary>
    public string UnifiedRoot { get; }
    /// <summary>/proc/self/cgroup: hierarchy key ("memory", "cpu,cpuacct", "name=systemd"; "" for cgroup2) → our cgroup there.</summary>
    public IReadOnlyDictionary<string, string> Own { get; }
    /// <summary>True when systemd is PID 1 (sd_booted(3): /run/systemd/system exists).</summary>
    public bool SystemdIsInit { get; }

    public CgroupLayout(CgroupMode mode, IReadOnlyList<V1Hierarchy> v1, string? unifiedMountPoint, string unifiedRoot,
        IReadOnlyDictionary<string, string> own, bool systemdIsInit)
    {
        Mode = mode;
        V1 = v1;
        UnifiedMountPoint = unifiedMountPoint;
        UnifiedRoot = unifiedRoot;
        Own = own;
        SystemdIsInit = systemdIsInit;
    }

    /// <summary>The v1 hierarchy that has this controller (or named hierarchy, "name=systemd"), or null.</summary>
    public V1Hierarchy? Find(string controller) => V1.FirstOrDefault(h => h.Has(controller));

    /// <summary>Our own cgroup in a v1 hierarchy (from /proc/self/cgroup), "/" when not listed.</summary>
    public string OwnIn(V1Hierarchy h) => CgroupIn(Own, h) ?? "/";

    /// <summary>The cgroup a /proc/PID/cgroup text (parsed by <see cref="ParseOwn"/>) lists for a v1 hierarchy, or null.</summary>
    public static string? CgroupIn(IReadOnlyDictionary<string, string> entries, V1Hierarchy h)
    {
        if (entries.TryGetValue(h.Key, out var p)) return p;
        foreach (string c in h.Controllers)
            if (entries.TryGetValue(c, out p)) return p;
        return null;
    }

    /// <summary>Our own cgroup in the cgroup2 hierarchy, "/" when not listed.</summary>
    public string OwnUnified => Own.TryGetValue("", out var p) ? p : "/";

    private static CgroupLayout? _current;
    private static readonly Lock Gate = new();

    /// <summary>This host's layout, detected on first use (the mount table does not change under a running `mydocker`).</summary>
    public static CgroupLayout Current
    {
        get
        {
            lock (Gate) return _current ??= Detect();
        }
    }

    /// <summary>Reads /proc/self/mountinfo, /proc/self/cgroup and statfs(/sys/fs/cgroup).</summary>
    public static unsafe CgroupLayout Detect()
    {
        string mountinfo = SmallFile.ReadText("/proc/self/mountinfo");
        string self = File.Exists("/proc/self/cgroup") ? SmallFile.ReadText("/proc/self/cgroup") : "";
        bool systemd = Directory.Exists("/run/systemd/system");
        var layout = Parse(mountinfo, self, systemd);
        // runc's IsCgroup2UnifiedMode: /sys/fs/cgroup itself being cgroup2 is what makes a host unified,
        // whatever else is mounted elsewhere.
        Libc.StatfsBuf st;
        if (layout.Mode != CgroupMode.Unified && Libc.Statfs("/sys/fs/cgroup", &st) == 0 && st.Type == Libc.CGROUP2_SUPER_MAGIC)
            layout = new CgroupLayout(CgroupMode.Unified, [], "/sys/fs/cgroup", layout.UnifiedRoot, layout.Own, systemd);
        return layout;
    }

    /// <summary>
    /// The layout from a mountinfo text (proc(5)) and a /proc/self/cgroup text (cgroups(7)):
    ///  - cgroup v1 mounts with at least one controller and a cgroup2 mount: Hybrid;
    ///  - only v1 mounts: Legacy; only cgroup2 (named v1 hierarchies aside): Unified.
    /// A hierarchy mounted twice (bind mounts, containers) counts once: the first mount wins, and
    /// one under /sys/fs/cgroup is preferred.
    /// </summary>
    public static CgroupLayout Parse(string mountinfo, string procSelfCgroup, bool systemdIsInit = false)
    {
        var mounts = MountInfo.Parse(mountinfo);
        var ordered = mounts.Where(m => IsUnderSysFsCgroup(m.MountPoint)).Concat(mounts.Where(m => !IsUnderSysFsCgroup(m.MountPoint)));
        var v1 = new List<V1Hierarchy>();
        var seen = new HashSet<string>();
        string? unified = null;
        string unifiedRoot = "/";
        foreach (var m in ordered)
        {
            if (m.FsType == "cgroup2")
            {
                if (unified == null) { unified = m.MountPoint; unifiedRoot = m.Root; }
                continue;
            }
            if (m.FsType != "cgroup") continue;
            var controllers = m.SuperOptions.Split(',')
                .Where(o => V1Controllers.Contains(o) || o.StartsWith("name=", StringComparison.Ordinal))
                .ToList();
            if (controllers.Count == 0) continue;
            string key = string.Join(',', controllers);
            if (!seen.Add(key)) continue;
            v1.Add(new V1Hierarchy(m.MountPoint, m.Root, controllers));
        }
        bool hasV1Controllers = v1.Any(h => h.Controllers.Any(V1Controllers.Contains));
        CgroupMode mode = hasV1Controllers ? (unified != null ? CgroupMode.Hybrid : CgroupMode.Legacy)
                        : unified != null ? CgroupMode.Unified : CgroupMode.Legacy;
        if (mode == CgroupMode.Unified) v1.Clear();
        return new CgroupLayout(mode, v1, unified, unifiedRoot, ParseOwn(procSelfCgroup), systemdIsInit);
    }

    private static bool IsUnderSysFsCgroup(string p) => p == "/sys/fs/cgroup" || p.StartsWith("/sys/fs/cgroup/", StringComparison.Ordinal);

    /// <summary>"hierarchy-ID:controller-list:cgroup-path" lines (cgroups(7)); the cgroup2 line is "0::path".</summary>
    public static Dictionary<string, string> ParseOwn(string text)
    {
        var own = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in text.Split('\n'))
        {
            int a = line.IndexOf(':');
            if (a < 0) continue;
            int b = line.IndexOf(':', a + 1);
            if (b < 0) continue;
            string controllers = line[(a + 1)..b];
            string path = line[(b + 1)..];
            // A cgroup whose directory was removed shows " (deleted)"; it is still where we are.
            if (path.EndsWith(" (deleted)", StringComparison.Ordinal)) path = path[..^" (deleted)".Length];
            own[controllers] = path;
            if (controllers.Length > 0)
                foreach (string c in controllers.Split(','))
                    own.TryAdd(c, path);
        }
        return own;
    }
}
