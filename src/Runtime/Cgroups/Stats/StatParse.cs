using System.Globalization;

namespace MyDocker.Runtime.Cgroups.Stats;

/// <summary>
/// Readers for the formats of cgroup interface files (cgroup-v2.rst "Interface Files" / "Conventions":
/// flat keyed "key value" lines, nested keyed "maj:min key=value ..." lines, single values where
/// "max" means no limit). Stats are best effort: a missing or odd file leaves the field at zero.
/// </summary>
public static class StatParse
{
    /// <summary>A single number; "max" is 2^64-1; null when missing or not a number.</summary>
    public static ulong? Uint(string? text)
    {
        if (text == null) return null;
        string t = text.Trim();
        if (t == "max") return ulong.MaxValue;
        if (ulong.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out ulong v)) return v;
        // v1 files may hold -1 (e.g. a limit never set is printed as a large number, but some are "-1").
        if (long.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long s) && s < 0) return 0;
        return null;
    }

    /// <summary>"key value" lines → map (flat keyed files: memory.stat, cpu.stat, memory.events...).</summary>
    public static Dictionary<string, ulong> KeyValues(string? text)
    {
        var map = new Dictionary<string, ulong>(StringComparer.Ordinal);
        if (text == null) return map;
        foreach (string line in text.Split('\n'))
        {
            string[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length != 2) continue;
            if (Uint(f[1]) is ulong v) map[f[0]] = v;
        }
        return map;
    }

    /// <summary>Space-separated numbers on one line (cpuacct.usage_percpu).</summary>
    public static List<ulong>? Numbers(string? text)
    {
        if (text == null) return null;
        var list = new List<ulong>();
        foreach (string f in text.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries))
            if (Uint(f) is ulong v) list.Add(v);
        return list.Count == 0 ? null : list;
    }

    /// <summary>A CPU or memory-node list ("0-3,5", cpuset(7) "List format") → the numbers.</summary>
    public static List<ushort>? IdList(string? text)
    {
        if (text == null) return null;
        var list = new List<ushort>();
        foreach (string part in text.Trim().Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            int dash = part.IndexOf('-');
            if (dash < 0)
            {
                if (ushort.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out ushort one)) list.Add(one);
                continue;
            }
            if (ushort.TryParse(part[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out ushort lo) &&
                ushort.TryParse(part[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out ushort hi))
                for (int i = lo; i <= hi; i++) list.Add((ushort)i);
        }
        return list.Count == 0 ? null : list;
    }

    /// <summary>
    /// cgroup v1 blkio stat lines: "8:0 Read 4096" (per operation), "8:0 4096" (time, sectors), and a
    /// closing "Total N" without a device, which runc leaves out too.
    /// </summary>
    public static List<BlkioEntry>? BlkioLines(string? text)
    {
        if (text == null) return null;
        var list = new List<BlkioEntry>();
        foreach (string line in text.Split('\n'))
        {
            string[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 2 || !TryDevice(f[0], out ulong major, out ulong minor)) continue;
            if (f.Length == 2 && Uint(f[1]) is ulong v) list.Add(new BlkioEntry { Major = major, Minor = minor, Value = v });
            else if (f.Length == 3 && Uint(f[2]) is ulong w) list.Add(new BlkioEntry { Major = major, Minor = minor, Op = f[1], Value = w });
        }
        return list.Count == 0 ? null : list;
    }

    public static bool TryDevice(string text, out ulong major, out ulong minor)
    {
        major = minor = 0;
        int colon = text.IndexOf(':');
        return colon > 0 &&
               ulong.TryParse(text[..colon], NumberStyles.None, CultureInfo.InvariantCulture, out major) &&
               ulong.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out minor);
    }
}
