using MyDocker.Spec.Model;

namespace MyDocker.Runtime.Rootfs;

/// <summary>
/// config-linux.md "Default Devices": every container gets these, whatever linux.devices says.
/// The numbers are the kernel's fixed ones (Documentation/admin-guide/devices.txt), the same on
/// the host. /dev/console belongs to the terminal setup, /dev/ptmx to <see cref="DevSymlinks"/>.
/// </summary>
public static class DefaultDevices
{
    public static readonly IReadOnlyList<Device> All =
    [
        Char("/dev/null", 1, 3),
        Char("/dev/zero", 1, 5),
        Char("/dev/full", 1, 7),
        Char("/dev/random", 1, 8),
        Char("/dev/urandom", 1, 9),
        Char("/dev/tty", 5, 0),
    ];

    private static Device Char(string path, long major, long minor) =>
        new() { Type = "c", Path = path, Major = major, Minor = minor, FileMode = DeviceNodes.DefaultFileMode };

    /// <summary>
    /// Creates the default devices, except those linux.devices lists itself (the config's entry
    /// wins: it may want another mode or owner).
    /// </summary>
    public static void Create(PathFd root, IReadOnlyList<Device>? configDevices)
    {
        var listed = new HashSet<string>((configDevices ?? []).Select(d => SafePath.Clean(d.Path)));
        foreach (var device in All)
        {
            if (!listed.Contains(device.Path))
                DeviceNodes.Create(root, device, $"default device {device.Path}");
        }
    }
}
