using MyDocker.Spec;
using MyDocker.Spec.Model;
using static MyDocker.Runtime.Interop.Libc;

namespace MyDocker.Runtime.Rootfs;

/// <summary>
/// One cgroup hierarchy of the host: its directory name under /sys/fs/cgroup and how to mount it.
/// <paramref name="HostRootVisible"/>: the host's mount of it shows the hierarchy's root from where
/// init stands (mountinfo root "/": no cgroup namespace of the container's own), so a fresh mount
/// would show exactly what the host's mount shows.
/// </summary>
public sealed record CgroupHierarchy(string Name, string FsType, string? Data, string HostMountPoint, bool HostRootVisible = false);

/// <summary>
/// A mounts[] entry of type "cgroup" (config-linux.md "cgroups" mounts, as runc does it).
///  - Unified host (only cgroup v2, /sys/fs/cgroup is cgroup2): mount cgroup2 at the destination.
///  - v1 or hybrid host: a tmpfs at the destination, then one cgroup v1 mount per hierarchy the
///    host has (same directory names, e.g. cpu,cpuacct, with cpu and cpuacct symlinks to it),
///    and cgroup2 at "unified" when the host has that too. "ro" makes all of them read-only.
/// </summary>
public static class CgroupMount
{
    /// <summary>The usual cgroup tmpfs flags (runc's defaultMountFlags).</summary>
    private const ulong TmpfsFlags = MS_NOSUID | MS_NODEV | MS_NOEXEC;

    public static void Apply(PathFd root, Mount m, MountOptions options, string what)
    {
        ulong flags = options.Flags & ~(MS_BIND | MS_REC);
        string dest = m.Destination;

        if (HostIsUnified())
        {
            bool visible = MountInfo.ReadSelf().Any(mi => mi.MountPoint == "/sys/fs/cgroup" && mi.FsType == "cgroup2" && mi.Root == "/");
            MountOne(root, dest, new CgroupHierarchy("", "cgroup2", null, "/sys/fs/cgroup", visible), flags, what);
        }
        else
        {
            using (var target = SafePath.Open(root, dest, CreateAs.Directory, $"{what}: destination"))
            {
                if (Mount("tmpfs", target.ProcPath, "tmpfs", TmpfsFlags, "mode=755") < 0)
                    throw Fail($"{what}: mount tmpfs on {target.InRootPath}");
            }
            // The tmpfs is ours and new, and nothing of the container runs yet: each hierarchy's
            // directory is made and opened by name in it (O_NOFOLLOW), without walking the whole
            // path from the rootfs again for each of them.
            using var top = SafePath.Open(root, dest, CreateAs.Nothing, $"{what}: destination");
            foreach (var h in Hierarchies(MountInfo.ReadSelf()))
            {
                MountInTmpfs(top, h, flags, what);
                LinkMergedControllers(top, h.Name, what);
            }
            // The tmpfs itself was writable so that the directories could be made in it.
            if ((flags & MS_RDONLY) != 0) Remount.Bind(top.ProcPath, TmpfsFlags | MS_RDONLY, what, top.InRootPath);
        }
        MountEntry.ApplyPropagation(root, dest, options, what);
    }

    /// <summary>statfs(2) magic of /sys/fs/cgroup: CGROUP2_SUPER_MAGIC means a unified (v2-only) host.</summary>
    public static unsafe bool HostIsUnified()
    {
        StatfsBuf st;
        return Statfs("/sys/fs/cgroup", &st) == 0 && st.Type == CGROUP2_SUPER_MAGIC;
    }

    /// <summary>
    /// The host's cgroup hierarchies from its mount table: every cgroup (v1) mount and the cgroup2
    /// one, each hierarchy once (a hierarchy mounted twice has the same device number).
    /// </summary>
    public static List<CgroupHierarchy> Hierarchies(IEnumerable<MountInfo> mounts)
    {
        var result = new List<CgroupHierarchy>();
        var seenDevices = new HashSet<string>();
        var seenNames = new HashSet<string>();
        foreach (var mi in mounts)
        {
            if (mi.FsType is not ("cgroup" or "cgroup2")) continue;
            string name = Path.GetFileName(mi.MountPoint.TrimEnd('/'));
            if (name.Length == 0 || !seenDevices.Add(mi.MajorMinor) || !seenNames.Add(name)) continue;

            string? data = null;
            if (mi.FsType == "cgroup")
            {
                // The super options name the hierarchy: its controllers ("cpu,cpuacct") or "name=systemd".
                // rw/ro are per mount, and release_agent may only be set by the first mount.
                var keep = mi.SuperOptions.Split(',')
                    .Where(o => o is not ("rw" or "ro") && !o.StartsWith("release_agent=", StringComparison.Ordinal));
                data = string.Join(',', keep);
            }
            result.Add(new CgroupHierarchy(name, mi.FsType, data, mi.MountPoint, mi.Root == "/"));
        }
        return result;
    }

    /// <summary>
    /// Mounts one hierarchy at <paramref name="path"/>. Where a fresh cgroup mount is not allowed
    /// (EPERM: a user namespace without its own cgroup namespace) the host's mount of it is
    /// bind-mounted instead, and then remounted for ro/nosuid/... like any bind mount.
    /// A cgroup2 hierarchy whose root the container sees anyway (no cgroup namespace of its own, as
    /// Docker on cgroup v1 and `runc spec` ask) is bound from the host's mount too: the same tree,
    /// and a fresh cgroup2 superblock mount waits in the kernel for dying cgroups to drain
    /// (cgroup_lock_and_drain_offline): 9.5 ms per create measured here, against ~0.1 ms for the bind.
    /// </summary>
    private static void MountOne(PathFd root, string path, CgroupHierarchy h, ulong flags, string what)
    {
        bool remount;
        using (var target = SafePath.Open(root, path, CreateAs.Directory, $"{what}: destination"))
            remount = MountOn(target, h, flags, what);
        if (!remount) return;
        // Remount through the new mount's root: the fd above points at the directory under it.
        using var mounted = SafePath.Open(root, path, CreateAs.Nothing, $"{what}: destination");
        Remount.Bind(mounted.ProcPath, flags, what, mounted.InRootPath);
    }

    /// <summary>One v1 hierarchy on &lt;tmpfs&gt;/&lt;name&gt;, as <see cref="MountOne"/> does.</summary>
    private static void MountInTmpfs(PathFd tmpfs, CgroupHierarchy h, ulong flags, string what)
    {
        bool remount;
        using (var target = OpenInTmpfs(tmpfs, h.Name, create: true, what))
            remount = MountOn(target, h, flags, what);
        if (!remount) return;
        using var mounted = OpenInTmpfs(tmpfs, h.Name, create: false, what);
        Remount.Bind(mounted.ProcPath, flags, what, mounted.InRootPath);
    }

    private static PathFd OpenInTmpfs(PathFd tmpfs, string name, bool create, string what)
    {
        string shown = $"{tmpfs.InRootPath}/{name}";
        if (create && MkdirAt(tmpfs.Fd, name, 0x1ed /* 0755 */) < 0 && LastErrno != EEXIST)
            throw Fail($"{what}: destination: mkdir {shown}");
        int fd = OpenAt(tmpfs.Fd, name, O_PATH | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC, 0);
        if (fd < 0) throw Fail($"{what}: destination: open {shown}");
        return new PathFd(fd, shown, S_IFDIR);
    }

    /// <summary>Mounts the hierarchy on <paramref name="target"/> (or binds the host's mount of it); true when per-mount flags still need a remount.</summary>
    private static bool MountOn(PathFd target, CgroupHierarchy h, ulong flags, string what)
    {
        bool bindHost = h.FsType == "cgroup2" && h.HostRootVisible;
        if (!bindHost && Mount(h.FsType, target.ProcPath, h.FsType, flags, h.Data) == 0) return false;
        if (!bindHost && LastErrno != EPERM)
            throw Fail($"{what}: mount {h.FsType} {h.Data ?? ""} on {target.InRootPath}");
        if (Mount(h.HostMountPoint, target.ProcPath, null, MS_BIND | MS_REC, null) < 0)
            throw Fail($"{what}: bind {h.HostMountPoint} on {target.InRootPath}");
        return (flags & Remount.PerMountFlags) != 0;
    }

    /// <summary>For a merged hierarchy "cpu,cpuacct": symlinks cpu -> cpu,cpuacct and cpuacct -> cpu,cpuacct.</summary>
    private static void LinkMergedControllers(PathFd tmpfs, string name, string what)
    {
        if (!name.Contains(',')) return;
        foreach (string controller in name.Split(','))
        {
            if (controller.Length == 0 || controller.Contains('=')) continue;
            if (SymlinkAt(name, tmpfs.Fd, controller) < 0 && LastErrno != EEXIST)
                throw Fail($"{what}: symlink {tmpfs.InRootPath}/{controller} -> {name}");
        }
    }
}
