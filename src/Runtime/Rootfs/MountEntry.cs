using MyDocker.Spec;
using MyDocker.Spec.Model;
using static MyDocker.Runtime.Interop.Libc;

namespace MyDocker.Runtime.Rootfs;

/// <summary>
/// Performs one mounts[] entry (config.md "Mounts"): create the destination inside the rootfs,
/// mount, re-apply flags for a bind mount, then change its propagation.
/// </summary>
public static class MountEntry
{
    /// <summary>
    /// Mounts <paramref name="m"/> under <paramref name="root"/> (the rootfs). Relative bind
    /// sources are taken from <paramref name="bundle"/> (config.md: "relative to the bundle"),
    /// or from the current directory when it is null.
    /// </summary>
    public static void Apply(PathFd root, Mount m, int index, string? bundle)
    {
        string what = $"mounts[{index}]";
        if (string.IsNullOrEmpty(m.Destination))
            throw new MyDockerException($"{what}: destination is empty");
        if (m.UidMappings is { Count: > 0 } || m.GidMappings is { Count: > 0 })
            throw new MyDockerException($"{what}: uidMappings/gidMappings (id-mapped mounts) are not supported");

        var options = MountOptions.Parse(m.Options, what);
        bool isBind = options.IsBind || m.Type == "bind";

        if (m.Type == "cgroup" && !isBind)
        {
            CgroupMount.Apply(root, m, options, what);
            return;
        }
        if (isBind) ApplyBind(root, m, options, what, bundle);
        else ApplyFilesystem(root, m, options, what);

        ApplyPropagation(root, m.Destination, options, what);
    }

    /// <summary>A bind mount: first MS_BIND (+MS_REC for rbind), then a remount for ro/nosuid/...</summary>
    private static void ApplyBind(PathFd root, Mount m, MountOptions options, string what, string? bundle)
    {
        if (string.IsNullOrEmpty(m.Source))
            throw new MyDockerException($"{what}: bind mount of {m.Destination} has no source");
        string source = Path.IsPathRooted(m.Source) ? m.Source
            : Path.GetFullPath(Path.Combine(bundle ?? Directory.GetCurrentDirectory(), m.Source));
        if (StatxPath(source, out StatxBuf st) < 0)
            throw Fail($"{what}: bind source {source}");

        // The destination must be of the source's kind: a directory for a directory, a file for
        // anything else (a file, a device node, a socket...).
        var kind = st.IsDirectory ? CreateAs.Directory : CreateAs.File;
        using (var target = SafePath.Open(root, m.Destination, kind, $"{what}: destination"))
        {
            ulong flags = MS_BIND | (options.Flags & MS_REC);
            if (Mount(source, target.ProcPath, null, flags, null) < 0)
                throw Fail($"{what}: bind {source} on {target.InRootPath}");
        }
        if (!options.BindNeedsRemount) return;

        // The fd above still refers to the directory UNDER the new mount, and a remount must
        // name the mount's own root: resolve the destination again to get it.
        ulong remountFlags = StripRdonlyForDev(m.Destination, options.Flags);
        using var mounted = SafePath.Open(root, m.Destination, CreateAs.Nothing, $"{what}: destination");
        Remount.Bind(mounted.ProcPath, remountFlags, what, mounted.InRootPath);
    }

    /// <summary>Any other filesystem: proc, sysfs, tmpfs, devpts, mqueue, overlay...</summary>
    private static void ApplyFilesystem(PathFd root, Mount m, MountOptions options, string what)
    {
        if (string.IsNullOrEmpty(m.Type))
            throw new MyDockerException($"{what}: mount on {m.Destination} has no type");
        ulong flags = StripRdonlyForDev(m.Destination, options.Flags);
        string source = string.IsNullOrEmpty(m.Source) ? m.Type : m.Source;
        string? data = options.Data.Length == 0 ? null : options.Data;

        using var target = SafePath.Open(root, m.Destination, CreateAs.Directory, $"{what}: destination");
        if (Mount(source, target.ProcPath, m.Type, flags, data) < 0)
            throw Fail($"{what}: mount {m.Type} on {target.InRootPath} ({Remount.Describe(flags)}{(data is null ? "" : " " + data)})");
    }

    /// <summary>Propagation comes last, one mount(2) call per option (the kernel takes one type per call).</summary>
    internal static void ApplyPropagation(PathFd root, string destination, MountOptions options, string what)
    {
        if (options.Propagation.Count == 0) return;
        using var mounted = SafePath.Open(root, destination, CreateAs.Nothing, $"{what}: destination");
        foreach (ulong p in options.Propagation)
        {
            if (Mount(null, mounted.ProcPath, null, p, null) < 0)
                throw Fail($"{what}: set propagation of {mounted.InRootPath} to {Remount.Describe(p)}");
        }
    }

    /// <summary>
    /// /dev is mounted read-write even when it asks for "ro": the device nodes and symlinks are
    /// created in it afterwards. RootfsSetup.Finish makes it read-only at the end (like runc).
    /// </summary>
    private static ulong StripRdonlyForDev(string destination, ulong flags) =>
        SafePath.Clean(destination) == "/dev" ? flags & ~MS_RDONLY : flags;
}
