using MyDocker.Spec;
using static MyDocker.Runtime.Interop.Libc;

namespace MyDocker.Runtime.Rootfs;

/// <summary>
/// Makes the rootfs the process's "/" (config.md "Root"), and takes the host's tree away.
/// </summary>
public static class PivotRoot
{
    /// <summary>
    /// The pivot_root(".", ".") trick (from LXC, used by runc): with the new root as the current
    /// directory, pivot_root stacks the old root ON TOP of the new one at "/", so no put_old
    /// directory has to be made in the rootfs. We then step into the old root (fchdir), make it
    /// rslave so our unmount can't propagate to the host, and detach it (MNT_DETACH: lazily, since
    /// we are standing in it). What is left at "/" is the rootfs alone.
    ///
    /// Fallback (<see cref="MoveRoot"/>): when the current root is the initial rootfs/ramfs
    /// (e.g. a runtime started from an initramfs) there is nothing to pivot from, and the kernel
    /// says EINVAL. Then we MS_MOVE the rootfs onto "/" and chroot into it, which is weaker.
    /// </summary>
    public static void Pivot(string rootfs)
    {
        int oldRoot = Open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC, 0);
        if (oldRoot < 0) throw Fail("pivot_root: open /");
        int newRoot = Open(rootfs, O_DIRECTORY | O_RDONLY | O_CLOEXEC, 0);
        if (newRoot < 0) { var e = Fail($"pivot_root: open {rootfs}"); Close(oldRoot); throw e; }
        try
        {
            if (Fchdir(newRoot) < 0) throw Fail($"pivot_root: chdir {rootfs}");
            if (Interop.Libc.PivotRoot(".", ".") < 0)
            {
                if (LastErrno == EINVAL && CurrentRootIsInitramfs())
                {
                    MoveRoot(rootfs);
                    return;
                }
                throw Fail($"pivot_root {rootfs}");
            }

            // "." is now the old root (the kernel does not promise it, so fchdir to be sure).
            if (Fchdir(oldRoot) < 0) throw Fail("pivot_root: chdir to the old root");
            if (Mount(null, ".", null, MS_SLAVE | MS_REC, null) < 0)
                throw Fail("pivot_root: make the old root rslave");
            if (Umount2(".", MNT_DETACH) < 0) throw Fail("pivot_root: detach the old root");
            if (Chdir("/") < 0) throw Fail("pivot_root: chdir /");
        }
        finally
        {
            Close(newRoot);
            Close(oldRoot);
        }
    }

    /// <summary>
    /// The no-pivot fallback: mount --move the rootfs onto "/" and chroot(".").
    /// Weaker than pivot_root because the host's tree is NOT removed from the mount namespace, it
    /// is only hidden under the moved mount and outside our chroot. A process with
    /// CAP_SYS_CHROOT can get back to it (the classic chroot escape: chroot into a subdirectory
    /// while keeping a directory fd outside it, then walk ".." up), and the old mounts stay busy
    /// for as long as the container lives. Only used when pivot_root is impossible.
    /// </summary>
    public static void MoveRoot(string rootfs)
    {
        if (Chdir(rootfs) < 0) throw Fail($"move root: chdir {rootfs}");
        if (Mount(rootfs, "/", null, MS_MOVE, null) < 0) throw Fail($"move root: mount --move {rootfs} /");
        if (Chroot(".") < 0) throw Fail("move root: chroot .");
        if (Chdir("/") < 0) throw Fail("move root: chdir /");
    }

    /// <summary>
    /// True when "/" is the kernel's initial rootfs (ramfs or tmpfs, mount type "rootfs"): a
    /// mount with no parent, which pivot_root(2) can't move away from.
    /// </summary>
    public static bool CurrentRootIsInitramfs()
    {
        MountInfo? root = null;
        foreach (var m in MountInfo.ReadSelf())
            if (m.MountPoint == "/") root = m; // the last mount on "/" is the visible one
        if (root is null) return false;
        return root.FsType is "rootfs" or "ramfs" || root.ParentId == root.Id;
    }
}
