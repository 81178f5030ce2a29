using System.Text;
using MyDocker.Spec;
using MyDocker.Spec.Model;

namespace MyDocker.Runtime.Namespaces;

/// <summary>
/// config-linux.md "User namespace mappings": writes /proc/PID/uid_map and gid_map of a process
/// that just created a user namespace. As root the runtime may write any mapping; without root, a
/// mapping of its own uid and gid only (subordinate ranges need newuidmap/newgidmap: not yet).
/// Also writes timens_offsets for a new time namespace ("timeOffsets").
/// </summary>
public static class IdMapWriter
{
    public static void WriteMaps(int pid, List<IdMapping>? uidMappings, List<IdMapping>? gidMappings)
    {
        Write($"/proc/{pid}/uid_map", Format(uidMappings), "linux.uidMappings");
        // Without root (rootless), the kernel takes a gid_map only once setgroups(2) is switched off
        // in the namespace (user_namespaces(7)): otherwise a user could drop a group that denies it
        // access. The container then keeps the groups it was given; init does not call setgroups.
        if (Interop.Libc.GetUid() != 0 && gidMappings is { Count: > 0 })
            Write($"/proc/{pid}/setgroups", "deny", "linux.gidMappings (rootless)");
        Write($"/proc/{pid}/gid_map", Format(gidMappings), "linux.gidMappings");
    }

    public static string Format(List<IdMapping>? mappings)
    {
        var sb = new StringBuilder();
        foreach (var m in mappings ?? new List<IdMapping>())
            sb.Append(m.ContainerID).Append(' ').Append(m.HostID).Append(' ').Append(m.Size).Append('\n');
        return sb.ToString();
    }

    public static void WriteTimeOffsets(int pid, Dictionary<string, TimeOffset>? offsets)
    {
        if (offsets == null || offsets.Count == 0) return;
        var sb = new StringBuilder();
        foreach (var (clock, o) in offsets)
            sb.Append(clock).Append(' ').Append(o.Secs).Append(' ').Append(o.Nanosecs).Append('\n');
        Write($"/proc/{pid}/timens_offsets", sb.ToString(), "linux.timeOffsets");
    }

    private static void Write(string path, string content, string field)
    {
        if (content.Length == 0) return;
        // One write() call: the kernel accepts a map only as a whole.
        ErrorText.Io($"{field}: writing {path}", () => File.WriteAllText(path, content));
    }
}
