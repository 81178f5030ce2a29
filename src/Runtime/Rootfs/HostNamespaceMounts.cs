using MyDocker.Spec;
using static MyDocker.Runtime.Interop.Libc;

namespace MyDocker.Runtime.Rootfs;

/// <summary>
/// A container without a mount namespace of its own (config-linux.md "Namespaces": a type that is
/// not listed is inherited from the runtime) mounts its rootfs and mounts[] in the HOST's mount
/// namespace, and enters the rootfs with chroot (pivot_root there would swap the host's root).
/// Those mounts outlive the container's processes, so `delete` (and a failed `create`) must remove
/// them — but only them: whatever was mounted at or under the rootfs before create belongs to the
/// host. So create records the mounts that were there before init ran (<see cref="Snapshot"/>), and
/// <see cref="UnmountMadeSince"/> detaches every other one, deepest first. "/" itself is never
/// detached: that would take the host's whole mount tree with it.
/// </summary>
public static class HostNamespaceMounts
{
    public static void EnterRoot(string rootfs)
    {
        if (Chdir(rootfs) < 0) throw Fail($"root.path: chdir {rootfs}");
        if (Chroot(".") < 0) throw Fail($"root.path: chroot {rootfs}");
        if (Chdir("/") < 0) throw Fail("root.path: chdir / in the new root");
    }

    /// <summary>
    /// Names one mount of the mount table: its id, device and mount point. Ids are reused after an
    /// unmount, so the id alone could name a later mount; all three together do not repeat in practice.
    /// </summary>
    public static string Key(MountInfo m) => $"{m.Id} {m.MajorMinor} {m.MountPoint}";

    /// <summary>The mounts at or under <paramref name="rootfs"/> right now, as keys.</summary>
    public static string[] Snapshot(string rootfs)
    {
        string root = Resolve(rootfs);
        return MountInfo.ReadSelf().Where(m => IsAtOrUnder(m.MountPoint, root)).Select(Key).ToArray();
    }

    /// <summary>
    /// Lazily unmounts every mount at or below rootfs that is not in <paramref name="before"/>
    /// (null: nothing is known of what was there, so nothing is touched); returns how many.
    /// </summary>
    public static int UnmountMadeSince(string rootfs, string[]? before)
    {
        if (before == null) return 0;
        string root = Resolve(rootfs);
        var keep = new HashSet<string>(before, StringComparer.Ordinal);
        int count = 0;
        // Several rounds: a mount may hide others beneath it; detach reveals them.
        for (int round = 0; round < 8; round++)
        {
            var ours = MountInfo.ReadSelf()
                .Where(m => m.MountPoint != "/" && IsAtOrUnder(m.MountPoint, root) && !keep.Contains(Key(m)))
                .OrderByDescending(m => m.MountPoint.Length).ThenByDescending(m => m.Id)
                .ToList();
            if (ours.Count == 0) break;
            foreach (var m in ours)
                if (Umount2(m.MountPoint, MNT_DETACH) == 0) count++;
        }
        return count;
    }

    private static bool IsAtOrUnder(string mountPoint, string root) =>
        root == "/" || mountPoint == root || mountPoint.StartsWith(root + "/", StringComparison.Ordinal);

    /// <summary>The rootfs with symlinks resolved, as mountinfo shows it; as recorded when it is gone.</summary>
    private static string Resolve(string rootfs)
    {
        try { return RootfsSetup.RealPath(rootfs); }
        catch (MyDockerException) { return rootfs; }
    }
}
