using MyDocker.Runtime.Cgroups;
using MyDocker.Runtime.Cgroups.V2.Devices;
using MyDocker.Runtime.Interop;

namespace MyDocker.CgroupTests;

/// <summary>
/// A directory tree in /tmp built like a cgroupfs, with the kernel's behaviour where the manager
/// depends on it: mkdir fills the new cgroup with its interface files (child defaults); writing a file
/// that does not exist fails (ENOENT, no file is created); cgroup.subtree_control takes "+c -c" and
/// shows the resulting set, and children then offer those controllers (cgroup.controllers and files);
/// cgroup.freeze updates "frozen" in cgroup.events; rmdir removes the interface files, and refuses a
/// cgroup with children or processes (EBUSY). The device eBPF program is not loaded, only logged
/// as "&lt;dir&gt;/[bpf]" with its disassembly. <see cref="Refuse"/> makes the "kernel" refuse a write,
/// e.g. EBUSY for a memory limit below the usage.
/// </summary>
public sealed class FakeCgroupFs : CgroupFiles, IDisposable
{
    public string Root { get; }
    public CgroupLayout Layout { get; private set; } = null!;

    /// <summary>v1 mount point → its controllers.</summary>
    private readonly Dictionary<string, string[]> _v1 = new();
    private string? _v2;
    public string BlkioScheduler { get; private set; } = "cfq";
    public bool IoBfq { get; private set; }

    private FakeCgroupFs()
    {
        Root = Directory.CreateTempSubdirectory("mydocker-fakecg-").FullName;
    }

    public static readonly string[][] DefaultV1 =
    [
        ["cpu"], ["cpuacct"], ["cpuset"], ["memory"], ["devices"], ["freezer"], ["blkio"], ["pids"], ["hugetlb"],
        ["net_cls", "net_prio"], ["rdma"], ["name=systemd"],
    ];

    /// <summary>A cgroup v1 host; <paramref name="hierarchies"/> defaults to one per controller (net_cls,net_prio co-mounted).</summary>
    public static FakeCgroupFs Legacy(string[][]? hierarchies = null, string blkio = "cfq", string ownCgroup = "/") =>
        Build(hierarchies ?? DefaultV1, v2Controllers: null, blkio, ioBfq: false, ownCgroup);

    /// <summary>This host's shape: v1 controllers (no hugetlb, net_cls, net_prio, rdma), cgroup2 at "unified" offering hugetlb.</summary>
    public static FakeCgroupFs Hybrid(string v2Controllers = "hugetlb", string[][]? hierarchies = null, string ownCgroup = "/") =>
        Build(hierarchies ?? [["cpu"], ["cpuacct"], ["cpuset"], ["memory"], ["devices"], ["freezer"], ["blkio"], ["pids"], ["name=systemd"]],
            v2Controllers, "bfq", ioBfq: false, ownCgroup);

    public static FakeCgroupFs Unified(string controllers = "cpuset cpu io memory hugetlb pids rdma", bool ioBfq = false, string ownCgroup = "/") =>
        Build([], controllers, "none", ioBfq, ownCgroup);

    private static FakeCgroupFs Build(string[][] hierarchies, string? v2Controllers, string blkio, bool ioBfq, string ownCgroup)
    {
        var fs = new FakeCgroupFs { BlkioScheduler = blkio, IoBfq = ioBfq };
        var mountinfo = new List<string>();
        var self = new List<string>();
        int id = 100;
        foreach (var controllers in hierarchies)
        {
            string name = string.Join(',', controllers).Replace("name=", "");
            string mount = Path.Combine(fs.Root, name);
            Directory.CreateDirectory(mount);
            fs._v1[mount] = controllers;
            foreach (var (file, text) in V1Files(controllers, root: true, blkio)) File.WriteAllText(Path.Combine(mount, file), text);
            mountinfo.Add($"{id} 1 0:{id} / {mount} rw,relatime - cgroup cgroup rw,{string.Join(',', controllers)}");
            self.Add($"{id}:{string.Join(',', controllers)}:{ownCgroup}");
            id++;
        }
        if (v2Controllers != null)
        {
            string mount = hierarchies.Length == 0 ? Path.Combine(fs.Root, "unified-root") : Path.Combine(fs.Root, "unified");
            Directory.CreateDirectory(mount);
            fs._v2 = mount;
            File.WriteAllText(Path.Combine(mount, "cgroup.controllers"), v2Controllers);
            File.WriteAllText(Path.Combine(mount, "cgroup.subtree_control"), "");
            File.WriteAllText(Path.Combine(mount, "cgroup.procs"), "");
            File.WriteAllText(Path.Combine(mount, "cpu.stat"), "usage_usec 0\nuser_usec 0\nsystem_usec 0\n");
            mountinfo.Add($"{id} 1 0:{id} / {mount} rw,relatime - cgroup2 cgroup2 rw");
            self.Add($"0::{ownCgroup}");
        }
        fs.Layout = CgroupLayout.Parse(string.Join('\n', mountinfo) + "\n", string.Join('\n', self) + "\n");
        fs.Log = new();
        return fs;
    }

    /// <summary>The mount point of a v1 hierarchy by its first controller ("memory", "name=systemd").</summary>
    public string V1Mount(string controller) => _v1.First(kv => kv.Value.Contains(controller)).Key;

    public string V2Mount => _v2!;

    /// <summary>The writes so far as "path-below-root = value" lines, and the log cleared.</summary>
    public List<string> TakeWrites()
    {
        var lines = Log!.Select(w => $"{Path.GetRelativePath(Root, w.Path)} = {w.Value}").ToList();
        Log!.Clear();
        return lines;
    }

    public string ReadText(string relative) => File.ReadAllText(Path.Combine(Root, relative));

    public void SetText(string relative, string text) => File.WriteAllText(Path.Combine(Root, relative), text);

    // ---------------------------------------------------------------- kernel behaviour

    public override int Mkdir(string path)
    {
        int errno = base.Mkdir(path);
        if (errno != 0) return errno;
        var v1 = _v1.FirstOrDefault(kv => path.StartsWith(kv.Key + "/", StringComparison.Ordinal));
        if (v1.Key != null)
        {
            foreach (var (file, text) in V1Files(v1.Value, root: false, BlkioScheduler)) File.WriteAllText(Path.Combine(path, file), text);
        }
        else if (_v2 != null && path.StartsWith(_v2 + "/", StringComparison.Ordinal))
        {
            foreach (var (file, text) in V2CoreFiles()) File.WriteAllText(Path.Combine(path, file), text);
            string parentEnabled = File.ReadAllText(Path.Combine(Path.GetDirectoryName(path)!, "cgroup.subtree_control")).Trim();
            SetV2Controllers(path, parentEnabled);
        }
        return 0;
    }

    public override int Rmdir(string path)
    {
        if (!Directory.Exists(path)) return Libc.ENOENT;
        if (Directory.GetDirectories(path).Length > 0) return Libc.EBUSY;
        string procs = Path.Combine(path, "cgroup.procs");
        if (File.Exists(procs) && File.ReadAllText(procs).Trim().Length > 0) return Libc.EBUSY;
        foreach (string file in Directory.GetFiles(path)) File.Delete(file);
        return base.Rmdir(path);
    }

    private readonly Dictionary<string, int> _refused = new();

    /// <summary>Every later write to <paramref name="relative"/> fails with <paramref name="errno"/>.</summary>
    public void Refuse(string relative, int errno) => _refused[Path.Combine(Root, relative)] = errno;

    protected override int WriteRaw(string path, string value)
    {
        if (_refused.TryGetValue(path, out int refusal)) return refusal;
        string file = Path.GetFileName(path), dir = Path.GetDirectoryName(path)!;
        if (file == "cgroup.subtree_control" && File.Exists(path))
        {
            var enabled = Words(File.ReadAllText(path));
            var offered = Words(File.ReadAllText(Path.Combine(dir, "cgroup.controllers")));
            foreach (string token in value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                string c = token[1..];
                if (!offered.Contains(c)) return Libc.ENOENT; // the kernel's answer for a controller the parent does not give
                if (token[0] == '+') enabled.Add(c); else enabled.Remove(c);
            }
            string set = string.Join(' ', enabled.Order(StringComparer.Ordinal));
            File.WriteAllText(path, set);
            foreach (string child in Directory.GetDirectories(dir)) SetV2Controllers(child, set);
            return 0;
        }
        int errno = base.WriteRaw(path, value);
        if (errno == 0 && file == "cgroup.freeze")
            File.WriteAllText(Path.Combine(dir, "cgroup.events"), $"populated 0\nfrozen {value.Trim()}\n");
        return errno;
    }

    public override void AttachDeviceFilter(string dir, IReadOnlyList<BpfInsn> program, string field)
    {
        if (!Directory.Exists(dir)) throw new InvalidOperationException($"no cgroup {dir}");
        Log!.Add((Path.Combine(dir, "[bpf]"), DeviceFilter.Disassemble(program)));
    }

    private static HashSet<string> Words(string text) => new(text.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries));

    /// <summary>A v2 child's controllers follow its parent's subtree_control; their files appear when enabled.</summary>
    private void SetV2Controllers(string dir, string enabled)
    {
        File.WriteAllText(Path.Combine(dir, "cgroup.controllers"), enabled);
        foreach (string c in Words(enabled))
            foreach (var (file, text) in V2ControllerFiles(c))
                if (!File.Exists(Path.Combine(dir, file))) File.WriteAllText(Path.Combine(dir, file), text);
    }

    // ---------------------------------------------------------------- interface files

    private static IEnumerable<(string, string)> V1Files(string[] controllers, bool root, string blkio)
    {
        yield return ("cgroup.procs", "");
        yield return ("tasks", "");
        foreach (string c in controllers)
        {
            var files = c switch
            {
                "cpu" => [("cpu.shares", "1024"), ("cpu.cfs_period_us", "100000"), ("cpu.cfs_quota_us", "-1"), ("cpu.cfs_burst_us", "0"),
                          ("cpu.rt_period_us", "1000000"), ("cpu.rt_runtime_us", "0"), ("cpu.idle", "0"), ("cpu.stat", "nr_periods 0\nnr_throttled 0\nthrottled_time 0\n")],
                "cpuacct" => [("cpuacct.usage", "0"), ("cpuacct.usage_percpu", "0 0 "), ("cpuacct.usage_percpu_sys", "0 0 "), ("cpuacct.usage_percpu_user", "0 0 "),
                              ("cpuacct.usage_user", "0"), ("cpuacct.usage_sys", "0"), ("cpuacct.stat", "user 0\nsystem 0\n")],
                "cpuset" => [("cpuset.cpus", root ? "0-1\n" : "\n"), ("cpuset.mems", root ? "0\n" : "\n"), ("cpuset.cpu_exclusive", "0"), ("cpuset.mem_exclusive", "0"),
                             ("cpuset.mem_hardwall", "0"), ("cpuset.memory_migrate", "0"), ("cpuset.memory_spread_page", "0"), ("cpuset.memory_spread_slab", "0"),
                             ("cpuset.memory_pressure", "0"), ("cpuset.sched_load_balance", "1"), ("cpuset.sched_relax_domain_level", "-1")],
                "memory" => [("memory.limit_in_bytes", "9223372036854771712"), ("memory.memsw.limit_in_bytes", "9223372036854771712"),
                             ("memory.soft_limit_in_bytes", "9223372036854771712"), ("memory.swappiness", "60"), ("memory.use_hierarchy", "1"),
                             ("memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n"), ("memory.usage_in_bytes", "0"), ("memory.max_usage_in_bytes", "0"),
                             ("memory.failcnt", "0"), ("memory.memsw.usage_in_bytes", "0"), ("memory.memsw.max_usage_in_bytes", "0"), ("memory.memsw.failcnt", "0"),
                             ("memory.kmem.limit_in_bytes", "9223372036854771712"), ("memory.kmem.usage_in_bytes", "0"), ("memory.kmem.max_usage_in_bytes", "0"), ("memory.kmem.failcnt", "0"),
                             ("memory.kmem.tcp.limit_in_bytes", "9223372036854771712"), ("memory.kmem.tcp.usage_in_bytes", "0"), ("memory.kmem.tcp.max_usage_in_bytes", "0"), ("memory.kmem.tcp.failcnt", "0"),
                             ("memory.stat", "cache 0\nrss 0\n")],
                "devices" => [("devices.allow", ""), ("devices.deny", ""), ("devices.list", "a *:* rwm\n")],
                "freezer" => root ? [] : new[] { ("freezer.state", "THAWED\n") },
                "blkio" => blkio switch
                {
                    "cfq" => [("blkio.weight", "500"), ("blkio.weight_device", ""), ("blkio.leaf_weight", "500"), ("blkio.leaf_weight_device", "")],
                    "bfq" => [("blkio.bfq.weight", "100"), ("blkio.bfq.weight_device", "")],
                    _ => Array.Empty<(string, string)>(),
                },
                "pids" => root ? [] : new[] { ("pids.max", "max"), ("pids.current", "0"), ("pids.events", "max 0\n") },
                "hugetlb" => [("hugetlb.2MB.limit_in_bytes", "9223372036854771712"), ("hugetlb.2MB.rsvd.limit_in_bytes", "9223372036854771712"),
                              ("hugetlb.2MB.usage_in_bytes", "0"), ("hugetlb.2MB.max_usage_in_bytes", "0"), ("hugetlb.2MB.failcnt", "0"),
                              ("hugetlb.1GB.limit_in_bytes", "9223372036854771712"), ("hugetlb.1GB.usage_in_bytes", "0"), ("hugetlb.1GB.max_usage_in_bytes", "0"), ("hugetlb.1GB.failcnt", "0")],
                "net_cls" => [("net_cls.classid", "0")],
                "net_prio" => [("net_prio.ifpriomap", "lo 0\n"), ("net_prio.prioidx", "1")],
                "rdma" => [("rdma.max", ""), ("rdma.current", "")],
                _ => Array.Empty<(string, string)>(),
            };
            foreach (var f in files) yield return f;
            if (c == "blkio")
                foreach (string t in new[] { "read_bps_device", "write_bps_device", "read_iops_device", "write_iops_device", "io_service_bytes_recursive", "io_serviced_recursive" })
                    yield return ($"blkio.throttle.{t}", "");
        }
    }

    private static IEnumerable<(string, string)> V2CoreFiles() =>
    [
        ("cgroup.procs", ""), ("cgroup.threads", ""), ("cgroup.subtree_control", ""), ("cgroup.events", "populated 0\nfrozen 0\n"),
        ("cgroup.freeze", "0"), ("cgroup.kill", ""), ("cgroup.max.depth", "max"), ("cgroup.type", "domain"),
        ("cpu.stat", "usage_usec 0\nuser_usec 0\nsystem_usec 0\n"),
    ];

    private IEnumerable<(string, string)> V2ControllerFiles(string controller) => controller switch
    {
        "memory" => [("memory.max", "max"), ("memory.low", "0"), ("memory.high", "max"), ("memory.min", "0"), ("memory.swap.max", "max"),
                     ("memory.swap.current", "0"), ("memory.current", "0"), ("memory.peak", "0"), ("memory.events", "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n"),
                     ("memory.stat", "anon 0\nfile 0\n")],
        "cpu" => [("cpu.weight", "100"), ("cpu.max", "max 100000"), ("cpu.max.burst", "0"), ("cpu.idle", "0")],
        "cpuset" => [("cpuset.cpus", ""), ("cpuset.mems", ""), ("cpuset.cpus.effective", "0-1"), ("cpuset.mems.effective", "0")],
        "pids" => [("pids.max", "max"), ("pids.current", "0"), ("pids.events", "max 0\n")],
        "io" => IoBfq
            ? [("io.bfq.weight", "default 100"), ("io.weight", "default 100"), ("io.max", ""), ("io.stat", "")]
            : [("io.weight", "default 100"), ("io.max", ""), ("io.stat", "")],
        "hugetlb" => [("hugetlb.2MB.max", "max"), ("hugetlb.2MB.rsvd.max", "max"), ("hugetlb.2MB.current", "0"), ("hugetlb.2MB.events", "max 0\n"),
                      ("hugetlb.1GB.max", "max"), ("hugetlb.1GB.current", "0"), ("hugetlb.1GB.events", "max 0\n")],
        "rdma" => [("rdma.max", ""), ("rdma.current", "")],
        _ => [],
    };

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
