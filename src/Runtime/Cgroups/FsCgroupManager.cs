using MyDocker.Runtime.Cgroups.Stats;
using MyDocker.Runtime.Interop;
using MyDocker.Spec;
using MyDocker.Spec.Model;

namespace MyDocker.Runtime.Cgroups;

/// <summary>
/// The cgroupfs manager (runc's "fs"/"fs2" drivers in one): it writes the cgroup files itself.
///
/// Where each field goes (config-linux.md "Control groups"):
///  - Legacy (v1): the v1 hierarchy that has the controller; no hierarchy → error naming the field.
///  - Hybrid: v1 hierarchies serve every controller they have. The v2 hierarchy (usually
///    /sys/fs/cgroup/unified, no controllers) gets the container's directory too, and its processes,
///    so cgroup v2 membership matches (runc does this). A controller that no v1 hierarchy has but the
///    v2 root offers (e.g. hugetlb here) is served by v2: enabled in cgroup.subtree_control from the
///    root down. linux.resources.unified is written to the v2 directory.
///  - Unified (v2): every controller the parent enables (all the root offers are enabled down the
///    path at create, like runc); devices through an eBPF program; v1-only fields (net_cls,
///    net_prio, swappiness...) are errors.
/// </summary>
public sealed class FsCgroupManager : ICgroupManager
{
    /// <summary>One row per controller kind: the v1 controller and the v2 one that serve it (null: that version has none).</summary>
    private sealed record Slot(string V1Name, ICgroupController? V1, string? V2Name, ICgroupController? V2);

    // runc's order of application (fs.go subsystems): cpuset first, since cpu/memory limits do not depend on it but
    // the cpuset must be valid before tasks arrive; devices are applied on their own (before these).
    private static readonly Slot[] Slots =
    [
        new("cpuset", new V1.CpusetController(), "cpuset", new V2.CpusetController()),
        new("memory", new V1.MemoryController(), "memory", new V2.MemoryController()),
        new("cpu", new V1.CpuController(), "cpu", new V2.CpuController()),
        new("cpuacct", new V1.CpuacctController(), null, null),
        new("pids", new V1.PidsController(), "pids", new V2.PidsController()),
        new("blkio", new V1.BlkioController(), "io", new V2.IoController()),
        new("hugetlb", new V1.HugetlbController(), "hugetlb", new V2.HugetlbController()),
        new("net_cls", new V1.NetClsController(), null, null),
        new("net_prio", new V1.NetPrioController(), null, null),
        new("rdma", new V1.RdmaController(), "rdma", new V2.RdmaController()),
    ];

    private static readonly V1.DevicesController V1Devices = new();
    private static readonly V2.DevicesController V2Devices = new();
    private static readonly V2.CpuController V2Cpu = new();
    private static readonly V1.FreezerController V1Freezer = new();
    private static readonly V2.FreezerController V2Freezer = new();

    /// <summary>How long Destroy waits for the processes to die and the directories to become removable.</summary>
    public const int DestroyTimeoutMs = 10_000;

    private readonly string _id;
    private readonly Linux? _linux;
    private readonly CgroupLayout _layout;
    private readonly CgroupFiles _f;
    private readonly Action<string> _warn;
    private readonly List<(V1Hierarchy H, string Dir)> _v1 = new();
    private readonly string? _v2;
    private readonly List<string> _created = new();
    private HashSet<string>? _rootControllers;

    /// <summary>
    /// The caller is not the machine's root, in a cgroup delegated to it. The device list is then not
    /// written: a v1 devices.deny/allow and a v2 device program both need privileges in the
    /// machine's user namespace that no delegation gives (runc skips them for rootless too); the
    /// kernel still keeps the user from device nodes it may not open, and from mknod.
    /// </summary>
    public bool Rootless { get; init; }

    public FsCgroupManager(string containerId, Linux? linux, CgroupLayout layout, CgroupFiles files, Action<string>? warn = null,
        IReadOnlyList<string>? paths = null, IReadOnlyList<string>? createdPaths = null)
    {
        _id = containerId;
        _linux = linux;
        _layout = layout;
        _f = files;
        _warn = warn ?? CgroupManager.DefaultWarn;
        if (layout.V1.Count == 0 && layout.UnifiedMountPoint == null)
            throw new MyDockerException("linux.cgroupsPath: no cgroup filesystem is mounted on this host (see /proc/self/mountinfo)");

        if (paths != null)
        {
            // From a record: the directories are known; find which hierarchy each is in.
            foreach (string recorded in paths)
            {
                // ".." resolved first: "<mount>/x/.." is the hierarchy's root, every process of the host (a forged state.json).
                string p = Path.GetFullPath(recorded);
                var h = layout.V1.FirstOrDefault(x => IsUnder(p, x.MountPoint));
                if (h != null) _v1.Add((h, p));
                else if (layout.UnifiedMountPoint != null && IsUnder(p, layout.UnifiedMountPoint)) _v2 = p;
                else _warn($"cgroup directory {recorded} is in no cgroup hierarchy of this host: left alone");
            }
            _created.AddRange(createdPaths ?? []);
            return;
        }

        var path = CgroupPath.Parse(linux?.CgroupsPath, containerId, layout.SystemdIsInit, _warn);
        if (layout.Mode != CgroupMode.Unified)
            foreach (var h in layout.V1)
                _v1.Add((h, DirIn(h.MountPoint, h.Root, layout.OwnIn(h), path, parentOfOwn: false)));
        if (layout.UnifiedMountPoint != null)
            // On a unified host a relative path goes under the PARENT of our cgroup (runc's fs2): ours has
            // processes, and a cgroup with processes cannot enable controllers for its children
            // (cgroup-v2.rst "No Internal Process Constraint"). The hybrid v2 tree has no controllers.
            _v2 = DirIn(layout.UnifiedMountPoint, layout.UnifiedRoot, layout.OwnUnified, path, parentOfOwn: layout.Mode == CgroupMode.Unified);
    }

    private static bool IsUnder(string p, string mount) => p.StartsWith(mount.TrimEnd('/') + "/", StringComparison.Ordinal);

    private static string Join(string mount, string inner)
    {
        string clean = CgroupPath.Clean("/" + inner);
        return clean == "/" ? mount : mount.TrimEnd('/') + clean;
    }

    /// <summary>The container's directory in one hierarchy: absolute paths from its root, relative ones under our own cgroup.</summary>
    private static string DirIn(string mount, string mountRoot, string own, CgroupPath path, bool parentOfOwn)
    {
        if (!path.IsRelative) return Join(mount, path.Inner);
        if (parentOfOwn) own = Path.GetDirectoryName(own) ?? "/";
        // A mount of a sub-tree (mountinfo root "/x") shows /x/y at mount/y.
        if (mountRoot != "/" && (own == mountRoot || own.StartsWith(mountRoot + "/", StringComparison.Ordinal)))
            own = own[mountRoot.Length..];
        return Join(mount, own + "/" + path.Inner);
    }

    private IEnumerable<string> AllDirs() => _v1.Select(d => d.Dir).Concat(_v2 != null ? [_v2] : Array.Empty<string>());

    public string[] Paths => AllDirs().ToArray();

    public string[] CreatedPaths => _created.ToArray();

    // ---------------------------------------------------------------- create

    public string[] PathsToCreate()
    {
        var missing = new List<string>();
        foreach (var (h, dir) in _v1) AddMissingLevels(h.MountPoint, dir, missing);
        if (_v2 != null) AddMissingLevels(_layout.UnifiedMountPoint!, _v2, missing);
        return missing.Distinct().ToArray();
    }

    private void AddMissingLevels(string mount, string dir, List<string> missing)
    {
        string cur = mount.TrimEnd('/');
        foreach (string part in dir[cur.Length..].Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            cur += "/" + part;
            if (!_f.DirExists(cur)) missing.Add(cur);
        }
    }

    public void Create()
    {
        foreach (var (h, dir) in _v1)
            MkdirAll(h.MountPoint, dir, cpuset: h.Has("cpuset"));
        if (_v2 != null)
        {
            MkdirAll(_layout.UnifiedMountPoint!, _v2, cpuset: false);
            if (_layout.Mode == CgroupMode.Unified) EnableAllControllers();
        }
    }

    /// <summary>
    /// mkdir of every missing level from the mount down, remembering what we made. Another container's
    /// Destroy may remove a shared empty parent (/mydocker) between two of our mkdirs: ENOENT then
    /// means "start again from the top".
    /// </summary>
    private void MkdirAll(string mount, string dir, bool cpuset)
    {
        string rel = dir[mount.TrimEnd('/').Length..];
        var parts = rel.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (int attempt = 0; ; attempt++)
        {
            string cur = mount.TrimEnd('/');
            bool restart = false;
            foreach (string part in parts)
            {
                cur += "/" + part;
                int errno = _f.Mkdir(cur);
                if (errno == 0) { if (!_created.Contains(cur)) _created.Add(cur); }
                else if (errno == Libc.ENOENT && attempt < 5) { restart = true; break; }
                else if (errno != Libc.EEXIST)
                    throw new MyDockerException($"linux.cgroupsPath: mkdir {cur}: {Libc.StrError(errno)}", errno);
                // v1 cpuset: a new level has empty cpus/mems and would refuse tasks (ENOSPC); copy the parent's.
                // ENOENT: the level was removed by another container's Destroy meanwhile; start again.
                if (cpuset && !TryInheritCpuset(cur) && attempt < 5) { restart = true; break; }
            }
            if (!restart) return;
        }
    }

    private bool TryInheritCpuset(string dir)
    {
        try
        {
            V1.CpusetController.Inherit(dir, _f);
            return true;
        }
        catch (MyDockerException e) when (e.Errno == Libc.ENOENT)
        {
            return false;
        }
    }

    /// <summary>
    /// Unified host: every controller the root offers is enabled in cgroup.subtree_control of each
    /// level above the container's cgroup (runc's CreateCgroupPath). All at once first; if the kernel
    /// refuses (e.g. cpuset or a threaded subtree), one by one, leaving out those it refuses: a field
    /// that needs one of those then fails in Apply with a message naming it.
    /// </summary>
    private void EnableAllControllers()
    {
        foreach (string level in LevelsAbove(_v2!))
        {
            var offered = Words(_f.Read(level, "cgroup.controllers"));
            var enabled = Words(_f.Read(level, "cgroup.subtree_control"));
            var missing = offered.Where(c => !enabled.Contains(c)).Order(StringComparer.Ordinal).ToList();
            if (missing.Count == 0) continue;
            if (_f.TryWrite(level, "cgroup.subtree_control", string.Join(' ', missing.Select(c => "+" + c))) == 0) continue;
            foreach (string c in missing) _f.TryWrite(level, "cgroup.subtree_control", "+" + c);
        }
    }

    /// <summary>The v2 directories from the mount point down to the parent of <paramref name="dir"/>.</summary>
    private IEnumerable<string> LevelsAbove(string dir)
    {
        string mount = _layout.UnifiedMountPoint!.TrimEnd('/');
        var parts = dir[mount.Length..].Split('/', StringSplitOptions.RemoveEmptyEntries);
        string cur = mount;
        yield return cur;
        for (int i = 0; i < parts.Length - 1; i++)
        {
            cur += "/" + parts[i];
            yield return cur;
        }
    }

    private static HashSet<string> Words(string? text) =>
        new((text ?? "").Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal);

    // ---------------------------------------------------------------- apply

    public void Apply(Resources? r) => ApplyCore(r ?? new Resources(), update: false);

    public void Update(Resources r) => ApplyCore(r, update: true);

    public void ApplyMemoryLimits(Resources? r)
    {
        if (r?.Memory is not { } m || (m.Limit is null or 0 && m.Swap is null or 0)) return;
        // Apply has already enabled the controller (hybrid v2), or said it is not available.
        if (Resolve(Slots.First(s => s.V1Name == "memory")) is not var (ctrl, dir, _)) return;
        ctrl.Apply(dir, new Resources { Memory = new Memory { Limit = m.Limit, Swap = m.Swap } },
            new ApplyContext { Files = _f, Warn = _warn, Linux = _linux });
    }

    private void ApplyCore(Resources r, bool update)
    {
        var ctx = new ApplyContext { Files = _f, Warn = _warn, IsUpdate = update, DeferMemoryLimits = !update, Linux = _linux };
        if (r.Memory != null) V1.MemoryFields.WarnKernel(r.Memory, _warn);
        if (!update || r.Devices != null) ApplyDevices(r, ctx);
        foreach (var slot in Slots)
        {
            var target = Resolve(slot);
            if (target is not var (ctrl, dir, enable))
            {
                if ((slot.V1?.IsSet(r) ?? false) || (slot.V2?.IsSet(r) ?? false))
                    throw NotAvailable(slot, (slot.V1 ?? slot.V2)!.Field(r));
                continue;
            }
            if (!ctrl.IsSet(r)) continue;
            if (enable != null) EnableV2(enable, ctrl.Field(r));
            ctrl.Apply(dir, r, ctx);
        }
        ApplyUnified(r);
    }

    /// <summary>Which controller serves a slot on this host, in which directory, and the v2 controller to enable first (hybrid only).</summary>
    private (ICgroupController Ctrl, string Dir, string? Enable)? Resolve(Slot slot)
    {
        if (_layout.Mode != CgroupMode.Unified && slot.V1 != null)
        {
            foreach (var (h, dir) in _v1)
                if (h.Has(slot.V1Name)) return (slot.V1, dir, null);
        }
        if (slot.V2 == null || _v2 == null) return null;
        if (_layout.Mode == CgroupMode.Unified)
            return Words(_f.Read(_v2, "cgroup.controllers")).Contains(slot.V2Name!) ? (slot.V2, _v2, null) : null;
        if (_layout.Mode == CgroupMode.Hybrid && RootControllers().Contains(slot.V2Name!))
            return (slot.V2, _v2, slot.V2Name);
        return null;
    }

    private HashSet<string> RootControllers() => _rootControllers ??= Words(_f.Read(_layout.UnifiedMountPoint!, "cgroup.controllers"));

    private MyDockerException NotAvailable(Slot slot, string field)
    {
        if (_layout.Mode == CgroupMode.Unified)
        {
            if (slot.V2 == null) return new MyDockerException($"{field}: cgroup v2 has no {slot.V1Name} controller (it exists only in cgroup v1)");
            string have = string.Join(' ', Words(_f.Read(_v2!, "cgroup.controllers")).Order(StringComparer.Ordinal));
            return new MyDockerException($"{field}: the {slot.V2Name} controller is not enabled for {_v2} (its cgroup.controllers has: {(have.Length == 0 ? "none" : have)})");
        }
        string also = _layout.Mode == CgroupMode.Hybrid ? ", nor does the cgroup v2 hierarchy offer it" : "";
        return new MyDockerException($"{field}: the {slot.V1Name} cgroup controller is not available on this host (no cgroup v1 hierarchy has it mounted{also})");
    }

    /// <summary>Hybrid host, a controller only v2 has: "+name" into cgroup.subtree_control from the v2 root down to the container's parent.</summary>
    private void EnableV2(string controller, string field)
    {
        foreach (string level in LevelsAbove(_v2!))
        {
            if (Words(_f.Read(level, "cgroup.subtree_control")).Contains(controller)) continue;
            int errno = _f.TryWrite(level, "cgroup.subtree_control", "+" + controller);
            if (errno != 0)
                throw new MyDockerException($"{field}: enabling the {controller} controller in {level}/cgroup.subtree_control: {Libc.StrError(errno)}", errno);
        }
    }

    private void ApplyDevices(Resources r, ApplyContext ctx)
    {
        if (Rootless)
        {
            if (r.Devices is { Count: > 0 }) _warn($"{DeviceRules.Field}: not applied without root (a device cgroup needs the machine's root)");
            return;
        }
        if (_layout.Mode != CgroupMode.Unified)
        {
            foreach (var (h, dir) in _v1)
                if (h.Has("devices")) { V1Devices.Apply(dir, r, ctx); return; }
        }
        if (_v2 != null) { V2Devices.Apply(_v2, r, ctx); return; }
        if (r.Devices is { Count: > 0 })
            throw new MyDockerException($"{DeviceRules.Field}: no devices cgroup on this host (no v1 devices hierarchy, no cgroup v2)");
        _warn("device access is not restricted: this host has neither a v1 devices hierarchy nor cgroup v2");
    }

    /// <summary>
    /// config-linux.md "Unified": each key is a file in the container's v2 directory, written as is,
    /// last (so it can override what the fields above wrote). Needs the v2 hierarchy.
    /// </summary>
    private void ApplyUnified(Resources r)
    {
        if (r.Unified is not { Count: > 0 }) return;
        if (_v2 == null) throw new MyDockerException("linux.resources.unified: needs cgroup v2");
        foreach (var (key, value) in r.Unified.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            string field = $"linux.resources.unified.{key}";
            if (key.Length == 0 || key.Contains('/') || key is "." or ".." || !key.Contains('.'))
                throw new MyDockerException($"{field}: not a cgroup interface file name");
            if (key is "cgroup.procs" or "cgroup.threads" or "cgroup.kill" or "cgroup.freeze")
                throw new MyDockerException($"{field}: not a resource setting (the runtime manages {key})");
            string controller = key[..key.IndexOf('.')];
            if (controller != "cgroup")
            {
                bool enabled = Words(_f.Read(_v2, "cgroup.controllers")).Contains(controller);
                if (!enabled && _layout.Mode == CgroupMode.Hybrid && RootControllers().Contains(controller))
                {
                    EnableV2(controller, field);
                    enabled = true;
                }
                if (!enabled)
                    throw new MyDockerException(_layout.Mode == CgroupMode.Hybrid
                        ? $"{field}: the {controller} controller is not available in the cgroup v2 hierarchy of this hybrid host (it is on cgroup v1: use the linux.resources fields)"
                        : $"{field}: the {controller} controller is not enabled for {_v2}");
            }
            if (!_f.Exists(_v2, key))
                throw new MyDockerException($"{field}: {_v2} has no such interface file");
            _f.Write(_v2, key, value, field);
        }
    }

    // ---------------------------------------------------------------- processes

    public void AddProcess(int pid)
    {
        // A child born in the container's cgroups (CloneIntoCgroups) is already there: moving a
        // process costs an RCU grace period the first time, so only what is missing is written.
        var now = ProcCgroups(pid);
        foreach (var (h, dir) in _v1)
            if (now == null || CgroupLayout.CgroupIn(now, h) is not { } at || AbsoluteIn(h.MountPoint, h.Root, at) != dir)
                _f.Write(dir, "cgroup.procs", Fmt.I(pid), $"linux.cgroupsPath: adding process {pid} to {dir}");
        if (_v2 != null && (now == null || !now.TryGetValue("", out var v2At) || AbsoluteIn(_layout.UnifiedMountPoint!, _layout.UnifiedRoot, v2At) != _v2))
            _f.Write(_v2, "cgroup.procs", Fmt.I(pid), $"linux.cgroupsPath: adding process {pid} to {_v2}");
    }

    /// <summary>/proc/PID/cgroup parsed, or null when it cannot be read (then every hierarchy is written).</summary>
    private static Dictionary<string, string>? ProcCgroups(int pid)
    {
        try { return CgroupLayout.ParseOwn(SmallFile.ReadText($"/proc/{Fmt.I(pid)}/cgroup")); }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    public CloneTargets CloneTargets()
    {
        var v1 = new List<(string, string)>();
        foreach (var (h, dir) in _v1)
        {
            // Our own cgroup must be visible in this mount, or the visiting thread could not come back.
            string own = _layout.OwnIn(h);
            if (h.Root != "/" && own != h.Root && !own.StartsWith(h.Root + "/", StringComparison.Ordinal)) return new([], null);
            v1.Add((dir, AbsoluteIn(h.MountPoint, h.Root, own)));
        }
        return new(v1, _v2);
    }

    /// <summary>Where a cgroup ("/a/b" as /proc lists it) is in a mount whose root is mountRoot.</summary>
    private static string AbsoluteIn(string mount, string mountRoot, string cgroup)
    {
        if (mountRoot != "/" && (cgroup == mountRoot || cgroup.StartsWith(mountRoot + "/", StringComparison.Ordinal)))
            cgroup = cgroup[mountRoot.Length..];
        return Join(mount, cgroup);
    }

    /// <summary>The directory whose cgroup.procs lists the container: the v2 one if any, else a v1 one (pids, freezer, memory first).</summary>
    private string? ProcsDir()
    {
        if (_v2 != null) return _v2;
        foreach (string c in new[] { "pids", "freezer", "memory", "cpu" })
            foreach (var (h, dir) in _v1)
                if (h.Has(c)) return dir;
        return _v1.Count > 0 ? _v1[0].Dir : null;
    }

    public IReadOnlyList<int> Pids()
    {
        var pids = new SortedSet<int>();
        string? dir = ProcsDir();
        if (dir != null) CollectPids(dir, pids);
        return pids.ToList();
    }

    private void CollectPids(string dir, SortedSet<int> pids)
    {
        string? text = _f.Read(dir, "cgroup.procs");
        if (text == null) return;
        foreach (string line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            if (int.TryParse(line.Trim(), out int pid)) pids.Add(pid);
        foreach (string sub in _f.SubDirs(dir)) CollectPids(sub, pids);
    }

    private (IFreezer Freezer, string Dir)? FreezerOf()
    {
        if (_layout.Mode != CgroupMode.Unified)
            foreach (var (h, dir) in _v1)
                if (h.Has("freezer")) return (V1Freezer, dir);
        // cgroup.freeze is core v2: any non-root v2 cgroup has it, on a hybrid host too.
        return _v2 != null ? (V2Freezer, _v2) : null;
    }

    public void Freeze()
    {
        var fr = FreezerOf() ?? throw new MyDockerException("pause: this host has no freezer (no v1 freezer hierarchy, no cgroup v2)");
        fr.Freezer.Freeze(fr.Dir, _f);
    }

    public void Thaw()
    {
        var fr = FreezerOf() ?? throw new MyDockerException("resume: this host has no freezer (no v1 freezer hierarchy, no cgroup v2)");
        fr.Freezer.Thaw(fr.Dir, _f);
    }

    public bool IsFrozen() => FreezerOf() is var (fr, dir) && fr.IsFrozen(dir, _f);

    /// <summary>
    /// runc's signalAllProcesses: SIGKILL through cgroup.kill where it exists (no process can fork
    /// away); otherwise the cgroup is frozen so no new process appears while we go through the list,
    /// each process is signalled, and it is thawed again. A paused container stays paused, except for
    /// SIGKILL: v1-frozen tasks only die once thawed.
    /// </summary>
    public void Signal(int sig)
    {
        var fr = FreezerOf();
        bool wasFrozen = fr is var (f0, d0) && f0.IsFrozen(d0, _f);
        if (sig == Lifecycle.Signals.SIGKILL && _v2 != null && _f.Exists(_v2, "cgroup.kill"))
        {
            _f.Write(_v2, "cgroup.kill", "1", "kill --all");
            if (wasFrozen) fr!.Value.Freezer.Thaw(fr.Value.Dir, _f);
            return;
        }
        bool froze = false;
        if (fr is var (f1, d1) && !wasFrozen)
        {
            try { f1.Freeze(d1, _f); froze = true; }
            catch (MyDockerException e) { _warn($"kill --all: signalling without freezing first: {e.Message}"); }
        }
        try
        {
            foreach (int pid in Pids())
                if (Libc.Kill(pid, sig) < 0 && Libc.LastErrno != Libc.ESRCH)
                    throw Libc.Fail($"kill --all: signal {sig} to process {pid}");
        }
        finally
        {
            if (fr is var (f2, d2) && (froze || (wasFrozen && sig == Lifecycle.Signals.SIGKILL))) f2.Thaw(d2, _f);
        }
    }

    // ---------------------------------------------------------------- destroy

    /// <summary>
    /// Kill every process left (there are some after `delete --force` of a running container, or
    /// when init died but children lived on without a pid namespace), wait until the cgroups are
    /// empty, then rmdir every leaf directory with its sub-cgroups (depth first); with
    /// <paramref name="parentsToo"/> also the intermediate directories we created, innermost first,
    /// when empty. Directories already gone are fine, so Destroy can be repeated, and works after the
    /// container was SIGKILLed.
    /// </summary>
    public void Destroy(bool parentsToo = false)
    {
        var deadline = Environment.TickCount64 + DestroyTimeoutMs;
        // The usual case first: init was the container's last process and is gone. Then the rmdir
        // of the directory Pids reads succeeds, and there is nobody to look for and kill.
        bool empty = ProcsDir() is string procs && _f.Rmdir(procs) is 0 or Libc.ENOENT;
        for (int round = 0; !empty; round++)
        {
            var left = Pids();
            if (left.Count == 0) break;
            if (Environment.TickCount64 > deadline)
                throw new MyDockerException($"container \"{_id}\": cgroup {ProcsDir()}: processes {string.Join(' ', left)} are still there after SIGKILL");
            Signal(Lifecycle.Signals.SIGKILL);
            Thread.Sleep(round < 5 ? 5 : 20);
        }

        MyDockerException? first = null;
        foreach (string dir in AllDirs())
        {
            try { RemoveTree(dir, deadline); }
            catch (MyDockerException e) { first ??= e; }
        }
        if (!parentsToo)
        {
            if (first != null) throw first;
            return;
        }
        var leaves = new HashSet<string>(AllDirs(), StringComparer.Ordinal);
        // Outermost were created first: remove in reverse, so children go before parents.
        foreach (string dir in _created.AsEnumerable().Reverse().Where(d => !leaves.Contains(d)).ToList())
        {
            int errno = _f.Rmdir(dir);
            // ENOTEMPTY/EBUSY: another container lives under it; that is its owner's to remove.
            if (errno is not (0 or Libc.ENOENT or Libc.ENOTEMPTY or Libc.EBUSY))
                first ??= new MyDockerException($"cgroup: rmdir {dir}: {Libc.StrError(errno)}", errno);
        }
        if (first != null) throw first;
    }

    /// <summary>rmdir of a cgroup and its sub-cgroups. EBUSY right after the last task died (v1 memory
    /// cgroups go offline asynchronously) is retried until the deadline (runc retries too).</summary>
    private void RemoveTree(string dir, long deadline)
    {
        // rmdir first: the usual cgroup has no sub-cgroups, and one system call per hierarchy is the
        // whole of it. The kernel answers EBUSY both for sub-cgroups and for tasks not gone yet.
        for (int i = 0; ; i++)
        {
            int errno = _f.Rmdir(dir);
            if (errno is 0 or Libc.ENOENT) return;
            if (errno is Libc.EBUSY or Libc.ENOTEMPTY)
            {
                var subs = _f.SubDirs(dir).ToList();
                if (subs.Count > 0)
                {
                    foreach (string sub in subs) RemoveTree(sub, deadline);
                    continue;
                }
            }
            if (errno != Libc.EBUSY || Environment.TickCount64 > deadline)
                throw new MyDockerException($"cgroup: rmdir {dir}: {Libc.StrError(errno)}", errno);
            Thread.Sleep(i < 10 ? 5 : 20);
        }
    }

    // ---------------------------------------------------------------- stats

    public CgroupStats Stats()
    {
        var s = new CgroupStats();
        bool cpuDone = false;
        foreach (var slot in Slots)
        {
            if (Resolve(slot) is not var (ctrl, dir, _)) continue;
            if (!_f.DirExists(dir)) continue;
            ctrl.Stats(dir, s, _f);
            if (ctrl is V2.CpuController) cpuDone = true;
        }
        // cpu.stat (usage, user, system) is core v2: there even where the cpu controller is not enabled.
        if (_layout.Mode == CgroupMode.Unified && !cpuDone && _v2 != null) V2Cpu.Stats(_v2, s, _f);
        return s;
    }
}
