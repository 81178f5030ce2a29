using MyDocker.Spec;
using System.Text;

namespace MyDocker.Runtime.Rootfs;

/// <summary>
/// One line of /proc/self/mountinfo (proc(5)):
/// "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue"
///  id parent maj:min root mountpoint options [optional fields...] - fstype source superoptions
/// </summary>
public sealed record MountInfo(
    int Id, int ParentId, string MajorMinor, string Root, string MountPoint, string Options,
    IReadOnlyList<string> OptionalFields, string FsType, string Source, string SuperOptions)
{
    /// <summary>True when the mount is in a shared peer group ("shared:N" optional field).</summary>
    public bool IsShared => OptionalFields.Any(f => f.StartsWith("shared:", StringComparison.Ordinal));

    /// <summary>Reads the calling process's mount table.</summary>
    public static List<MountInfo> ReadSelf() => Parse(SmallFile.ReadText("/proc/self/mountinfo"));

    public static List<MountInfo> Parse(string text)
    {
        var list = new List<MountInfo>();
        foreach (string line in text.Split('\n'))
        {
            if (line.Length == 0) continue;
            string[] f = line.Split(' ');
            int dash = Array.IndexOf(f, "-", 6);
            if (dash < 0 || dash + 1 >= f.Length) continue; // not a line we understand
            list.Add(new MountInfo(
                Id: int.Parse(f[0]),
                ParentId: int.Parse(f[1]),
                MajorMinor: f[2],
                Root: Unescape(f[3]),
                MountPoint: Unescape(f[4]),
                Options: f[5],
                OptionalFields: f[6..dash],
                FsType: f[dash + 1],
                Source: dash + 2 < f.Length ? Unescape(f[dash + 2]) : "",
                SuperOptions: dash + 3 < f.Length ? f[dash + 3] : ""));
        }
        return list;
    }

    /// <summary>The kernel writes space, tab, newline and backslash in paths as octal "\040" etc.</summary>
    public static string Unescape(string s)
    {
        if (!s.Contains('\\')) return s;
        var bytes = new List<byte>();
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] == '\\' && i + 3 < s.Length && IsOctal(s[i + 1]) && IsOctal(s[i + 2]) && IsOctal(s[i + 3]))
            {
                bytes.Add((byte)((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0')));
                i += 3;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(s[i].ToString()));
            }
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    private static bool IsOctal(char c) => c is >= '0' and <= '7';

    /// <summary>
    /// The mount that contains <paramref name="path"/> (an absolute, symlink-free host path):
    /// the entry with the longest mount point that is a prefix of it; the last such entry wins,
    /// since a later mount on the same point hides the earlier one.
    /// </summary>
    public static MountInfo? Containing(IEnumerable<MountInfo> mounts, string path)
    {
        MountInfo? best = null;
        foreach (var m in mounts)
        {
            bool contains = m.MountPoint == "/" || path == m.MountPoint ||
                            path.StartsWith(m.MountPoint + "/", StringComparison.Ordinal);
            if (contains && (best is null || m.MountPoint.Length >= best.MountPoint.Length)) best = m;
        }
        return best;
    }
}
