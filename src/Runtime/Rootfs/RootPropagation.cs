using MyDocker.Spec;
using static MyDocker.Runtime.Interop.Libc;

namespace MyDocker.Runtime.Rootfs;

/// <summary>
/// config-linux.md "rootfsPropagation": the propagation of the container's mounts.
/// The default (unset) is rslave, like runc: mounts made on the host still reach the container,
/// but nothing the container mounts or unmounts ever travels back to the host.
/// </summary>
public static class RootPropagation
{
    public const ulong Default = MS_SLAVE | MS_REC;

    /// <summary>The MS_* bits for linux.rootfsPropagation (null or "" means the default).</summary>
    public static ulong Parse(string? value)
    {
        if (string.IsNullOrEmpty(value)) return Default;
        if (MountOptions.PropagationOptions.TryGetValue(value, out ulong flags)) return flags;
        throw new MyDockerException(
            $"linux.rootfsPropagation: unknown value \"{value}\" (want private, rprivate, shared, rshared, slave, rslave, unbindable or runbindable)");
    }

    /// <summary>
    /// Before any mount: set "/" (recursively) to the configured propagation, then make the mount
    /// that holds the rootfs private if it is shared, for two reasons: (1) the bind mount of the
    /// rootfs onto itself would otherwise propagate to the host's namespace, and (2) pivot_root(2)
    /// refuses to move a mount whose parent is shared (EINVAL).
    /// </summary>
    public static void PrepareBeforeMounts(ulong flags, string rootfs)
    {
        // An unbindable "/" would refuse the bind of the rootfs onto itself (EINVAL): until the
        // pivot, use private instead; ApplyAfterPivot makes the new "/" unbindable.
        if ((flags & MS_UNBINDABLE) != 0) flags = (flags & ~MS_UNBINDABLE) | MS_PRIVATE;
        if (Mount(null, "/", null, flags, null) < 0)
            throw Fail($"linux.rootfsPropagation: set propagation of / to {Remount.Describe(flags)}");

        var parent = MountInfo.Containing(MountInfo.ReadSelf(), rootfs)
            ?? throw new MyDockerException($"root.path: no mount holding {rootfs} in /proc/self/mountinfo");
        if (parent.IsShared && Mount(null, parent.MountPoint, null, MS_PRIVATE, null) < 0)
            throw Fail($"root.path: make {parent.MountPoint} (the mount holding {rootfs}) private");
    }

    /// <summary>
    /// After pivot_root: apply a shared/slave/unbindable propagation to the new "/" itself (before
    /// the pivot the rootfs mount must not be shared, or pivot_root could not move it).
    /// "private" needs nothing more (runc does the same).
    /// </summary>
    public static void ApplyAfterPivot(string? value)
    {
        if (string.IsNullOrEmpty(value)) return;
        ulong flags = Parse(value);
        if ((flags & MS_PRIVATE) != 0) return;
        if (Mount(null, "/", null, flags, null) < 0)
            throw Fail($"linux.rootfsPropagation: set propagation of the container's / to {value}");
    }
}
