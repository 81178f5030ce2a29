using MyDocker.Spec;
using MyDocker.Spec.Model;

namespace MyDocker.Runtime.Cgroups;

/// <summary>One device cgroup rule: allow/deny, type a|b|c, major/minor (-1 = any), access ⊆ "rwm".</summary>
public readonly record struct DeviceRule(bool Allow, char Type, long Major, long Minor, string Access)
{
    /// <summary>The cgroup v1 devices.allow / devices.deny line: "c 1:3 rwm", "a *:* rwm".</summary>
    public string V1Text => $"{Type} {(Major < 0 ? "*" : Fmt.I(Major))}:{(Minor < 0 ? "*" : Fmt.I(Minor))} {Access}";
}

/// <summary>
/// The device rules a container gets (config-linux.md "Allowed Device list", "Default Devices"):
/// everything is denied first (runc's whitelist default), then linux.resources.devices in order, then
/// the devices every container has (runc's AllowedDevices: mknod of any char/block device, /dev/null,
/// zero, full, random, urandom, tty, ptmx, the pty slaves, tun), then the nodes of linux.devices.
/// Later rules win where they overlap, so a config cannot take /dev/null away (as with runc).
/// </summary>
public static class DeviceRules
{
    public const string Field = "linux.resources.devices";

    public static readonly IReadOnlyList<DeviceRule> Defaults =
    [
        new(true, 'c', -1, -1, "m"),
        new(true, 'b', -1, -1, "m"),
        new(true, 'c', 1, 3, "rwm"),   // /dev/null
        new(true, 'c', 1, 8, "rwm"),   // /dev/random
        new(true, 'c', 1, 7, "rwm"),   // /dev/full
        new(true, 'c', 5, 0, "rwm"),   // /dev/tty
        new(true, 'c', 1, 5, "rwm"),   // /dev/zero
        new(true, 'c', 1, 9, "rwm"),   // /dev/urandom
        new(true, 'c', 136, -1, "rwm"), // /dev/pts/*
        new(true, 'c', 5, 2, "rwm"),   // /dev/ptmx
        new(true, 'c', 10, 200, "rwm"), // /dev/net/tun
    ];

    /// <summary>The whole ordered list for a container (the leading deny-all is implied, not listed).</summary>
    public static List<DeviceRule> For(Resources? r, Linux? linux)
    {
        var rules = new List<DeviceRule>();
        var list = r?.Devices ?? [];
        for (int i = 0; i < list.Count; i++) rules.Add(From(list[i], $"{Field}[{i}]"));
        rules.AddRange(Defaults);
        foreach (var d in linux?.Devices ?? [])
        {
            // config-linux.md "Devices": c and u are character devices, b block; p (FIFO) needs no cgroup rule.
            char type = d.Type switch { "c" or "u" => 'c', "b" => 'b', _ => '\0' };
            if (type == '\0' || d.Major is not long major || d.Minor is not long minor) continue;
            rules.Add(new DeviceRule(true, type, major, minor, "rwm"));
        }
        return rules;
    }

    /// <summary>A linux.resources.devices entry: type defaults to "a", major/minor to any, access to "rwm".</summary>
    public static DeviceRule From(DeviceCgroupRule d, string field)
    {
        char type = string.IsNullOrEmpty(d.Type) ? 'a' : d.Type switch
        {
            "a" => 'a',
            "b" => 'b',
            "c" => 'c',
            _ => throw new MyDockerException($"{field}.type: \"{d.Type}\" is not a, b or c"),
        };
        string access = string.IsNullOrEmpty(d.Access) ? "rwm" : d.Access;
        foreach (char c in access)
            if (c is not ('r' or 'w' or 'm') || access.Count(x => x == c) > 1)
                throw new MyDockerException($"{field}.access: \"{d.Access}\" is not a combination of r, w and m");
        if (d.Major is < -1 || d.Minor is < -1 || d.Major > uint.MaxValue || d.Minor > uint.MaxValue)
            throw new MyDockerException($"{field}: major and minor must be device numbers (or -1 for any)");
        // Type "a" means every device: numbers are meaningless then (the kernel ignores them too).
        return type == 'a'
            ? new DeviceRule(d.Allow, 'a', -1, -1, access)
            : new DeviceRule(d.Allow, type, d.Major ?? -1, d.Minor ?? -1, access);
    }
}
