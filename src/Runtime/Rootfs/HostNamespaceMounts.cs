using static MyDocker.Runtime.Interop.Libc;

namespace MyDocker.Runtime.Rootfs;

/// <summary>
/// A container without a mount namespace of its own (config-linux.md "Namespaces": a type that is
/// not listed is inherited from the runtime) mounts its rootfs and mounts[] in the HOST's mount
/// namespace, and enters the rootfs with chroot (pivot_root there would swap the host's root).
/// Those mounts outlive the container's processes, so `delete` (and a failed `create`) removes
/// every mount at or under the rootfs, deepest first.
/// </summary>
public static class HostNamespaceMounts
{
    public static void EnterRoot(string rootfs)
    {
        if (Chdir(rootfs) < 0) throw Fail($"root.path: chdir {rootfs}");
        if (Chroot(".") < 0) throw Fail($"root.path: chroot {rootfs}");
        if (Chdir("/") < 0) throw Fail("root.path: chdir / in the new root");
    }

    /// <summary>Lazily unmounts everything mounted at or below rootfs; returns how many.</summary>
    public static int UnmountUnder(string rootfs)
    {
        string root = RootfsSetup.RealPath(rootfs);
        int count = 0;
        // Several rounds: a mount may hide others beneath it; detach reveals them.
        for (int round = 0; round < 8; round++)
        {
            var under = MountInfo.ReadSelf()
                .Where(m => m.MountPoint == root || m.MountPoint.StartsWith(root + "/", StringComparison.Ordinal))
                .OrderByDescending(m => m.MountPoint.Length).ThenByDescending(m => m.Id)
                .ToList();
            if (under.Count == 0) break;
            foreach (var m in under)
                if (Umount2(m.MountPoint, MNT_DETACH) == 0) count++;
        }
        return count;
    }
}
