using System.Text;
using MyDocker.Spec;
using MyDocker.Spec.Model;

namespace MyDocker.Runtime.Namespaces;

/// <summary>
/// config-linux.md "User namespace mappings": writes /proc/PID/uid_map and gid_map of a process
/// that just created a user namespace. As root the runtime may write any mapping; without root, it
/// writes a mapping of its own uid and gid itself, and anything more (subordinate ranges) through
/// newuidmap/newgidmap.
/// Also writes timens_offsets for a new time namespace ("timeOffsets").
/// </summary>
public static class IdMapWriter
{
    public static void WriteMaps(int pid, List<IdMapping>? uidMappings, List<IdMapping>? gidMappings)
    {
        if (NeedsHelpers(uidMappings))
        {
            // Without root, more than one's own id: the setuid helpers of shadow's uidmap check the
            // ranges against /etc/subuid and /etc/subgid and write the maps for us.
            RunHelper("newuidmap", pid, uidMappings, "linux.uidMappings");
            RunHelper("newgidmap", pid, gidMappings, "linux.gidMappings");
            return;
        }
        Write($"/proc/{pid}/uid_map", Format(uidMappings), "linux.uidMappings");
        // Without root (rootless), the kernel takes a gid_map only once setgroups(2) is switched off
        // in the namespace (user_namespaces(7)): otherwise a user could drop a group that denies it
        // access. The container then keeps the groups it was given; init does not call setgroups.
        if (DeniesSetgroups(uidMappings) && gidMappings is { Count: > 0 })
            Write($"/proc/{pid}/setgroups", "deny", "linux.gidMappings (rootless)");
        Write($"/proc/{pid}/gid_map", Format(gidMappings), "linux.gidMappings");
    }

    /// <summary>A caller without root whose uid mapping is more than its own uid: newuidmap and newgidmap write the maps.</summary>
    public static bool NeedsHelpers(List<IdMapping>? uidMappings)
    {
        uint uid = Interop.Libc.GetUid();
        return uid != 0 && !(uidMappings is [{ Size: 1 } only] && only.HostID == uid);
    }

    /// <summary>Whether WriteMaps switches setgroups off: without root and without the helpers.</summary>
    public static bool DeniesSetgroups(List<IdMapping>? uidMappings) => Interop.Libc.GetUid() != 0 && !NeedsHelpers(uidMappings);

    /// <summary>Whether setgroups(2) is off in the user namespace of process <paramref name="pid"/> (a rootless container's, see WriteMaps).</summary>
    public static bool SetgroupsDeniedIn(int pid)
    {
        try { return SmallFile.ReadText($"/proc/{pid}/setgroups").Trim() == "deny"; }
        catch (IOException) { return false; }
    }

    private static void RunHelper(string helper, int pid, List<IdMapping>? mappings, string field)
    {
        if (mappings is not { Count: > 0 }) return;
        string path = new[] { "/usr/bin", "/bin", "/usr/sbin", "/sbin" }.Select(d => Path.Combine(d, helper)).FirstOrDefault(File.Exists)
            ?? throw new MyDockerException($"{field}: mapping more than uid {Interop.Libc.GetUid()} without root needs {helper} (Debian: apt-get install uidmap)");
        var args = new List<string> { pid.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        foreach (var m in mappings) args.AddRange([m.ContainerID.ToString(), m.HostID.ToString(), m.Size.ToString()]);
        // The helper's own complaint (e.g. a range not in /etc/subuid) goes to our stderr, above our line.
        var r = Process.HostCommand.Run(path, args, $"{field}: {helper}");
        if (r.ExitCode != 0 || r.Signal != 0)
            throw new MyDockerException($"{field}: {helper} {string.Join(' ', args)} failed (exit status {r.ExitCode}): are these ranges the user's in /etc/sub{(helper == "newuidmap" ? "uid" : "gid")}?");
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
