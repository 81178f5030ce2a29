using System.Text.RegularExpressions;
using MyDocker.Spec.Json;
using MyDocker.Spec.Model;

namespace MyDocker.Spec.Validation;

/// <summary>config-linux.md: namespaces, id mappings, time offsets, devices, propagation, paths, resources.</summary>
internal static partial class LinuxRules
{
    public static void Check(Linux linux, NamespaceSet namespaces, Problems problems)
    {
        CheckNamespaces(linux.Namespaces, problems);
        CheckUserMappings(linux, namespaces, problems);
        CheckTimeOffsets(linux.TimeOffsets, namespaces, problems);
        CheckDevices(linux.Devices, problems);
        CheckRootfsPropagation(linux.RootfsPropagation, problems);
        CheckAbsolutePaths(linux.MaskedPaths, "linux.maskedPaths", problems);
        CheckAbsolutePaths(linux.ReadonlyPaths, "linux.readonlyPaths", problems);
        CheckPersonality(linux.Personality, problems);
        if (linux.Resources is { } resources) CheckResources(resources, problems);
        if (linux.Seccomp is { } seccomp) SeccompRules.Check(seccomp, problems);
    }

    // namespaces: known types, each type once, a path to join must be absolute.
    private static void CheckNamespaces(List<Namespace>? list, Problems problems)
    {
        var seen = new Dictionary<string, string>();
        foreach (var (ns, at, _) in problems.Each(list, "linux.namespaces"))
        {
            problems.OneOf(ns.Type, KnownNames.NamespaceTypes, at + ".type", "namespace type");
            if (seen.TryGetValue(ns.Type, out var first))
                problems.Add(at + ".type", $"duplicate namespace type {Problems.Quote(ns.Type)} (first at {first})");
            else
                seen[ns.Type] = at;
            if (!string.IsNullOrEmpty(ns.Path) && !ns.Path.StartsWith('/'))
                problems.Add(at + ".path", $"must be an absolute path, got {Problems.Quote(ns.Path)}");
        }
    }

    // uidMappings / gidMappings are written for a user namespace: there must be one.
    private static void CheckUserMappings(Linux linux, NamespaceSet namespaces, Problems problems)
    {
        if (linux.UidMappings is { Count: > 0 } && !namespaces.Has("user"))
            problems.Add("linux.uidMappings", "needs a user namespace in linux.namespaces");
        if (linux.GidMappings is { Count: > 0 } && !namespaces.Has("user"))
            problems.Add("linux.gidMappings", "needs a user namespace in linux.namespaces");
        CheckIdMappings(linux.UidMappings, "linux.uidMappings", problems);
        CheckIdMappings(linux.GidMappings, "linux.gidMappings", problems);
    }

    /// <summary>Each mapping covers at least one id (shared with id-mapped mounts).</summary>
    public static void CheckIdMappings(List<IdMapping>? mappings, string path, Problems problems)
    {
        foreach (var (mapping, at, _) in problems.Each(mappings, path))
            if (mapping.Size == 0) problems.Add(at + ".size", "must be greater than 0");
    }

    // timeOffsets: only monotonic and boottime, and only for a time namespace this container creates.
    private static void CheckTimeOffsets(Dictionary<string, TimeOffset>? offsets, NamespaceSet namespaces, Problems problems)
    {
        if (offsets is null || offsets.Count == 0) return;
        if (!namespaces.IsNew("time"))
            problems.Add("linux.timeOffsets", "needs a new time namespace in linux.namespaces");
        foreach (var (clock, offset) in offsets)
        {
            string at = JsonPath.Property("linux.timeOffsets", clock);
            if (!KnownNames.TimeOffsetClocks.Contains(clock))
                problems.Add(at, "unknown clock (expected monotonic or boottime)");
            if (offset is not null && offset.Nanosecs >= 1_000_000_000)
                problems.Add(at + ".nanosecs", $"must be less than 1000000000, got {offset.Nanosecs}");
        }
    }

    // devices: type c, b, u or p; an absolute path; major and minor except for a FIFO (p).
    private static void CheckDevices(List<Device>? devices, Problems problems)
    {
        foreach (var (device, at, _) in problems.Each(devices, "linux.devices"))
        {
            if (!KnownNames.DeviceTypes.Contains(device.Type))
                problems.Add(at + ".type", $"must be one of c, b, u, p, got {Problems.Quote(device.Type)}");
            problems.AbsolutePath(device.Path, at + ".path");
            if (device.Type is "c" or "b" or "u")
            {
                if (device.Major is null) problems.Add(at + ".major", $"is required for a type {Problems.Quote(device.Type)} device");
                if (device.Minor is null) problems.Add(at + ".minor", $"is required for a type {Problems.Quote(device.Type)} device");
            }
        }
    }

    private static void CheckRootfsPropagation(string? propagation, Problems problems)
    {
        if (string.IsNullOrEmpty(propagation) || KnownNames.RootfsPropagations.Contains(propagation)) return;
        problems.Add("linux.rootfsPropagation",
            $"must be one of shared, slave, private, unbindable (optionally with an r prefix), got {Problems.Quote(propagation)}");
    }

    // maskedPaths / readonlyPaths are absolute paths in the container.
    private static void CheckAbsolutePaths(List<string>? paths, string path, Problems problems)
    {
        foreach (var (entry, at, _) in problems.Each(paths, path))
            problems.AbsolutePath(entry, at);
    }

    private static void CheckPersonality(Personality? personality, Problems problems)
    {
        if (personality is not null && !KnownNames.PersonalityDomains.Contains(personality.Domain))
            problems.Add("linux.personality.domain", $"must be LINUX or LINUX32, got {Problems.Quote(personality.Domain)}");
    }

    // resources: the device allowlist, hugepage sizes, rdma entries.
    private static void CheckResources(Resources resources, Problems problems)
    {
        foreach (var (rule, at, _) in problems.Each(resources.Devices, "linux.resources.devices"))
        {
            if (!string.IsNullOrEmpty(rule.Type) && !KnownNames.DeviceCgroupTypes.Contains(rule.Type))
                problems.Add(at + ".type", $"must be one of a, c, b, got {Problems.Quote(rule.Type)}");
            if (!string.IsNullOrEmpty(rule.Access) && rule.Access.Any(c => c is not ('r' or 'w' or 'm')))
                problems.Add(at + ".access", $"must be made of r, w and m, got {Problems.Quote(rule.Access)}");
        }
        foreach (var (limit, at, _) in problems.Each(resources.HugepageLimits, "linux.resources.hugepageLimits"))
            if (!PageSize().IsMatch(limit.PageSize))
                problems.Add(at + ".pageSize", $"must be a size such as 2MB or 1GB, got {Problems.Quote(limit.PageSize)}");
        if (resources.Rdma is { } rdma)
            foreach (var (device, limit) in rdma)
                if (limit is null || (limit.HcaHandles is null && limit.HcaObjects is null))
                    problems.Add(JsonPath.Property("linux.resources.rdma", device), "needs hcaHandles or hcaObjects");
    }

    [GeneratedRegex(@"^[1-9][0-9]*[KMG]B\z")] // \z: $ would also accept "2MB\n"
    private static partial Regex PageSize();
}
