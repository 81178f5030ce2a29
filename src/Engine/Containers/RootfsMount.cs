using MyDocker.Runtime.Interop;
using MyDocker.Spec;

namespace MyDocker.Engine.Containers;

/// <summary>
/// A container's root filesystem: an overlayfs whose lower layers are the image's unpacked layers
/// (shared, never written) and whose upper layer is the container's own directory, so every write
/// inside lands in DIR/upper and the image stays as it was (the seed wrote straight into its rootfs).
///   lowerdir = the image's layers, top-most first      upperdir = DIR/upper   workdir = DIR/work
///   mounted at DIR/rootfs, which becomes the bundle's root.path
/// The mount is made by the daemon in the host's mount namespace (as dockerd's overlay2 driver does),
/// survives a daemon restart, and is removed by `rm`.
/// </summary>
public static class RootfsMount
{
    public static string Mount(string containerDir, IReadOnlyList<string> lowerDirs, UserNamespaceMap? userNs)
    {
        if (lowerDirs.Count == 0) throw new MyDockerException("the image has no layers");
        string upper = Path.Combine(containerDir, "upper"), work = Path.Combine(containerDir, "work"), rootfs = Path.Combine(containerDir, "rootfs");
        foreach (string d in new[] { upper, work, rootfs }) Directory.CreateDirectory(d);
        // The merged root directory takes the upper directory's owner and mode: make them the image's
        // root's (for a user namespace, that is container root, i.e. the shifted owner).
        if (Libc.StatxPath(lowerDirs[0], out var top) == 0)
        {
            Libc.Chmod(upper, (uint)(top.Mode & 0xfff));
            Libc.Chown(upper, top.Uid, top.Gid);
        }
        if (userNs is { } map) Libc.Chown(work, map.HostStart, map.HostStart);
        string options = $"lowerdir={string.Join(':', lowerDirs)},upperdir={upper},workdir={work}";
        if (options.Length > 4000) throw new MyDockerException($"overlay mount options are {options.Length} bytes, over the page the kernel reads: too many layers");
        if (Libc.Mount("overlay", rootfs, "overlay", 0, options) < 0) throw Libc.Fail($"mount overlay on {rootfs}");
        return rootfs;
    }

    /// <summary>Unmounts DIR/rootfs if it is mounted (lazily: a process still inside cannot keep `rm` from finishing).</summary>
    public static void Unmount(string containerDir)
    {
        string rootfs = Path.Combine(containerDir, "rootfs");
        if (Libc.Umount2(rootfs, Libc.MNT_DETACH | Libc.UMOUNT_NOFOLLOW) < 0 && Libc.LastErrno is not (Libc.EINVAL or Libc.ENOENT))
            throw Libc.Fail($"umount {rootfs}");
    }
}
