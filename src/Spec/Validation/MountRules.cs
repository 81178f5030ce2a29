using MyDocker.Spec.Model;

namespace MyDocker.Spec.Validation;

/// <summary>config.md "Mounts", "POSIX-platform Mounts", "Linux mount options".</summary>
internal static class MountRules
{
    public static void Check(List<Mount>? mounts, NamespaceSet namespaces, Problems problems)
    {
        foreach (var (mount, at, _) in problems.Each(mounts, "mounts"))
        {
            // The spec still tolerates (deprecated) relative destinations; this runtime asks for absolute ones.
            problems.AbsolutePath(mount.Destination, at + ".destination");
            CheckIdMappedMount(mount, at, namespaces, problems);
        }
    }

    // uidMappings and gidMappings come together; idmap/ridmap needs mappings of its own or a user namespace.
    private static void CheckIdMappedMount(Mount mount, string at, NamespaceSet namespaces, Problems problems)
    {
        bool hasUids = mount.UidMappings is { Count: > 0 };
        bool hasGids = mount.GidMappings is { Count: > 0 };
        if (hasUids != hasGids)
            problems.Add(at, "uidMappings and gidMappings must be given together");
        LinuxRules.CheckIdMappings(mount.UidMappings, at + ".uidMappings", problems);
        LinuxRules.CheckIdMappings(mount.GidMappings, at + ".gidMappings", problems);

        bool idmap = mount.Options is { } options && (options.Contains("idmap") || options.Contains("ridmap"));
        if (idmap && !hasUids && !hasGids && !namespaces.Has("user"))
            problems.Add(at + ".options", "idmap needs uidMappings and gidMappings on the mount or a user namespace");
    }
}
