using MyDocker.Spec;
using MyDocker.Spec.Model;
using static MyDocker.Runtime.Interop.Libc;
using PivotRootImpl = MyDocker.Runtime.Rootfs.PivotRoot;

namespace MyDocker.Runtime.Rootfs;

/// <summary>
/// Builds the container's filesystem view. The container's init calls, in its new mount namespace:
///   1. <see cref="Prepare"/>: propagation, the rootfs as a mount point, mounts[], devices, /dev links;
///   2. <see cref="PivotRoot"/>: the rootfs becomes "/", the host's tree goes away;
///   3. <see cref="Finish"/>: read-only root, readonlyPaths, maskedPaths.
/// Hooks that must still see the host (createRuntime...) run between 1 and 2.
/// </summary>
public static class RootfsSetup
{
    /// <summary>
    /// Step 1, still in the host's tree. <paramref name="rootfs"/> is the absolute host path of
    /// root.path. Relative bind-mount sources are taken from <paramref name="bundle"/> (or the
    /// current directory when null).
    /// </summary>
    /// <param name="inHostMountNamespace">No mount namespace of its own (see HostNamespaceMounts):
    /// the host's propagation is left alone.</param>
    public static void Prepare(Config config, string rootfs, string? bundle = null, bool inHostMountNamespace = false)
    {
        if (!Path.IsPathRooted(rootfs))
            throw new MyDockerException($"root.path: {rootfs} is not an absolute path");
        string realRootfs = RealPath(rootfs);

        // config-linux.md "rootfsPropagation" (default rslave: nothing leaks back to the host).
        if (!inHostMountNamespace)
            RootPropagation.PrepareBeforeMounts(RootPropagation.Parse(config.Linux?.RootfsPropagation), realRootfs);

        // pivot_root needs the new root to be a mount point: bind the rootfs onto itself.
        if (Mount(realRootfs, realRootfs, null, MS_BIND | MS_REC, null) < 0)
            throw Fail($"root.path: bind {realRootfs} onto itself");

        // Opened after the bind, so lookups start at the root of that new mount.
        using var root = PathFd.OpenDirectory(realRootfs);

        // config.md "Mounts": in the order given (a later one may mount inside an earlier one).
        var mounts = config.Mounts ?? [];
        for (int i = 0; i < mounts.Count; i++)
            MountEntry.Apply(root, mounts[i], i, bundle);

        // config-linux.md "Default Devices" and runtime-linux.md "/dev symbolic links": only in a
        // /dev the config mounted for us (a tmpfs), never in an image's own /dev or a host bind.
        bool ownDev = HasMountAt(config, "/dev", allowBind: false);
        var devices = config.Linux?.Devices;
        if (ownDev) DefaultDevices.Create(root, devices);

        // config-linux.md "Devices": always.
        for (int i = 0; devices is not null && i < devices.Count; i++)
            DeviceNodes.Create(root, devices[i], $"linux.devices[{i}]");

        if (ownDev)
        {
            DevSymlinks.Create(root);
            if (HasMountAt(config, "/dev/pts", allowBind: true)) DevSymlinks.CreatePtmx(root);
        }
    }

    /// <summary>
    /// Step 2: pivot_root into <paramref name="rootfs"/> and detach the host's tree. Where the
    /// current root is the initramfs (no pivot possible) it falls back to MS_MOVE + chroot, which
    /// only hides the host's tree instead of removing it (see <see cref="PivotRootImpl.MoveRoot"/>).
    /// </summary>
    public static void PivotRoot(string rootfs) => PivotRootImpl.Pivot(rootfs);

    /// <summary>Step 3, inside the new root.</summary>
    public static void Finish(Config config)
    {
        RootPropagation.ApplyAfterPivot(config.Linux?.RootfsPropagation);

        // A /dev asked to be "ro" was mounted read-write so devices could be made in it.
        var mounts = config.Mounts ?? [];
        for (int i = mounts.Count - 1; i >= 0; i--)
        {
            if (SafePath.Clean(mounts[i].Destination) != "/dev") continue;
            if ((MountOptions.Parse(mounts[i].Options).Flags & MS_RDONLY) != 0)
                Remount.ReadOnly("/dev", $"mounts[{i}]");
            break;
        }

        // config.md "Root": readonly.
        if (config.Root?.Readonly == true) Remount.ReadOnly("/", "root.readonly");

        ReadonlyPaths.Apply(config.Linux?.ReadonlyPaths);
        MaskedPaths.Apply(config.Linux?.MaskedPaths);
    }

    /// <summary>Whether mounts[] mounts something at <paramref name="destination"/> (bind mounts counted only if allowed).</summary>
    public static bool HasMountAt(Config config, string destination, bool allowBind)
    {
        foreach (var m in config.Mounts ?? [])
        {
            if (SafePath.Clean(m.Destination) != destination) continue;
            bool bind = m.Type == "bind" || (m.Options?.Contains("bind") ?? false) || (m.Options?.Contains("rbind") ?? false);
            if (allowBind || !bind) return true;
        }
        return false;
    }

    /// <summary>The canonical path (all symlinks resolved), as the kernel reports it in /proc/self/fd.</summary>
    public static string RealPath(string path)
    {
        int fd = OpenAt(AT_FDCWD, path, O_PATH | O_CLOEXEC, 0);
        if (fd < 0) throw Fail($"root.path: open {path}");
        try
        {
            return ReadLinkAt(AT_FDCWD, $"/proc/self/fd/{fd}") ?? throw Fail($"root.path: resolve {path}");
        }
        finally { Close(fd); }
    }
}
