namespace MyDocker.Runtime.Namespaces;

/// <summary>
/// The ids /etc/subuid and /etc/subgid give a user (subuid(5): "name-or-uid:start:count" per line):
/// what newuidmap and newgidmap let that user map, and what `spec --rootless` maps beyond its own id.
/// </summary>
public static class SubordinateRanges
{
    /// <summary>The first range of the user with this uid in FILE, or null.</summary>
    public static (uint Start, uint Count)? Of(uint uid, string file, string passwd = "/etc/passwd")
    {
        string? name = UserName(uid, passwd);
        return First(file, owner => owner == name || owner == uid.ToString());
    }

    /// <summary>The first range of user <paramref name="name"/> in FILE, or null (the engine's "mydocker" user).</summary>
    public static (uint Start, uint Count)? OfName(string name, string file) => First(file, owner => owner == name);

    private static (uint Start, uint Count)? First(string file, Func<string, bool> isOwner)
    {
        if (!File.Exists(file)) return null;
        foreach (string line in File.ReadLines(file))
        {
            string[] f = line.Split(':');
            if (f.Length == 3 && isOwner(f[0]) &&
                uint.TryParse(f[1], out uint start) && uint.TryParse(f[2], out uint count) && start > 0 && count > 0)
                return (start, count);
        }
        return null;
    }

    private static string? UserName(uint uid, string passwd)
    {
        if (!File.Exists(passwd)) return null;
        foreach (string line in File.ReadLines(passwd))
        {
            string[] f = line.Split(':');
            if (f.Length > 2 && f[2] == uid.ToString()) return f[0];
        }
        return null;
    }
}
