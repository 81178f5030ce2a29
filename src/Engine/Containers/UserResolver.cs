using MyDocker.Engine.Api;
using MyDocker.Spec;

namespace MyDocker.Engine.Containers;

/// <summary>
/// Docker's --user: "uid", "uid:gid", "name", "name:group" — names looked up in the container's own
/// /etc/passwd and /etc/group (not the host's), as dockerd does; a user name's groups in /etc/group become
/// its additional groups. The image is untrusted: /etc, /etc/passwd or /etc/group being a symlink (it
/// would be followed on the host, outside the container) makes a name lookup fail instead.
/// </summary>
public static class UserResolver
{
    public static (uint Uid, uint Gid, List<uint> Groups) Resolve(string rootfs, string spec)
    {
        string[] parts = spec.Split(':', 2);
        string userPart = parts[0], groupPart = parts.Length > 1 ? parts[1] : "";
        uint uid, gid = 0;
        string? userName = null;
        if (uint.TryParse(userPart, out uid))
        {
            var entry = Passwd(rootfs, required: false)?.FirstOrDefault(p => p.Uid == uid);
            if (entry != null) { gid = entry.Gid; userName = entry.Name; }
        }
        else
        {
            var entry = Passwd(rootfs, required: true)!.FirstOrDefault(p => p.Name == userPart)
                ?? throw ApiException.BadRequest($"unable to find user {MessageText.Quote(userPart)}: no matching entries in the container's /etc/passwd");
            (uid, gid, userName) = (entry.Uid, entry.Gid, entry.Name);
        }
        if (groupPart.Length > 0)
        {
            if (!uint.TryParse(groupPart, out gid))
            {
                var g = Groups(rootfs, required: true)!.FirstOrDefault(x => x.Name == groupPart)
                    ?? throw ApiException.BadRequest($"unable to find group {MessageText.Quote(groupPart)}: no matching entries in the container's /etc/group");
                gid = g.Gid;
            }
        }
        var extra = new List<uint>();
        if (userName != null)
            foreach (var g in Groups(rootfs, required: false) ?? [])
                if (g.Members.Contains(userName) && g.Gid != gid && !extra.Contains(g.Gid)) extra.Add(g.Gid);
        return (uid, gid, extra);
    }

    private sealed record PasswdEntry(string Name, uint Uid, uint Gid);
    private sealed record GroupEntry(string Name, uint Gid, string[] Members);

    private static List<PasswdEntry>? Passwd(string rootfs, bool required)
    {
        var lines = ReadEtc(rootfs, "passwd", required);
        if (lines == null) return null;
        var list = new List<PasswdEntry>();
        foreach (string line in lines)
        {
            string[] f = line.Split(':');
            if (f.Length >= 4 && uint.TryParse(f[2], out uint u) && uint.TryParse(f[3], out uint g)) list.Add(new(f[0], u, g));
        }
        return list;
    }

    private static List<GroupEntry>? Groups(string rootfs, bool required)
    {
        var lines = ReadEtc(rootfs, "group", required);
        if (lines == null) return null;
        var list = new List<GroupEntry>();
        foreach (string line in lines)
        {
            string[] f = line.Split(':');
            if (f.Length >= 4 && uint.TryParse(f[2], out uint g)) list.Add(new(f[0], g, f[3].Split(',', StringSplitOptions.RemoveEmptyEntries)));
        }
        return list;
    }

    private static string[]? ReadEtc(string rootfs, string name, bool required)
    {
        string etc = Path.Combine(rootfs, "etc"), file = Path.Combine(etc, name);
        bool safe = new DirectoryInfo(etc) is { Exists: true, LinkTarget: null } && new FileInfo(file) is { Exists: true, LinkTarget: null };
        if (!safe)
        {
            if (required) throw ApiException.BadRequest($"cannot look up user and group names: the image's /etc/{name} is missing or a symlink (use numeric ids)");
            return null;
        }
        return File.ReadAllLines(file);
    }
}
