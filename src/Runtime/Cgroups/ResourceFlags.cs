using System.Globalization;
using MyDocker.Spec;
using MyDocker.Spec.Model;

namespace MyDocker.Runtime.Cgroups;

/// <summary>
/// Engine-style resource flags (docker run/update, runc update) turned into linux.resources, in one
/// place, for `mydocker update`. Each error is one line naming the flag, e.g.
/// --memory: invalid size "10x" (use a number with b, k, m or g).
/// Only the flags given are set in the result, so <see cref="ICgroupManager.Update"/> changes only those.
/// </summary>
public static class ResourceFlags
{
    /// <summary>CFS period that --cpus uses (docker's and the kernel's default, 100 ms).</summary>
    public const ulong CpusPeriod = 100_000;

    /// <summary>The flags this understands; each takes one value.</summary>
    public static readonly IReadOnlyList<string> Names =
    [
        "--memory", "--memory-swap", "--memory-reservation", "--kernel-memory", "--kernel-memory-tcp",
        "--cpus", "--cpu-shares", "--cpu-period", "--cpu-quota", "--cpu-rt-period", "--cpu-rt-runtime",
        "--cpuset-cpus", "--cpuset-mems", "--pids-limit", "--blkio-weight",
    ];

    public static bool IsFlag(string name) => Names.Contains(Normalize(name));

    /// <summary>
    /// (flag, value) pairs, in order (a later one of the same flag wins) → Resources with only those set.
    /// Flag names may be given with or without the leading "--".
    /// </summary>
    public static Resources Parse(IEnumerable<KeyValuePair<string, string>> flags)
    {
        var r = new Resources();
        double? cpus = null;
        bool quotaOrPeriod = false;
        foreach (var (rawName, value) in flags)
        {
            string name = Normalize(rawName);
            switch (name)
            {
                case "--memory": Mem(r).Limit = MemorySize(name, value); break;
                case "--memory-swap": Mem(r).Swap = MemorySize(name, value); break;
                case "--memory-reservation": Mem(r).Reservation = MemorySize(name, value); break;
                case "--kernel-memory": Mem(r).Kernel = MemorySize(name, value); break;
                case "--kernel-memory-tcp": Mem(r).KernelTCP = MemorySize(name, value); break;
                case "--cpus": cpus = Cpus(name, value); break;
                case "--cpu-shares": Cpu(r).Shares = Unsigned(name, value, "a relative weight, e.g. 1024"); break;
                case "--cpu-period": Cpu(r).Period = Unsigned(name, value, "microseconds, e.g. 100000"); quotaOrPeriod = true; break;
                case "--cpu-quota": Cpu(r).Quota = Signed(name, value, "microseconds per period, -1 for no limit"); quotaOrPeriod = true; break;
                case "--cpu-rt-period": Cpu(r).RealtimePeriod = Unsigned(name, value, "microseconds"); break;
                case "--cpu-rt-runtime": Cpu(r).RealtimeRuntime = Signed(name, value, "microseconds"); break;
                case "--cpuset-cpus": Cpu(r).Cpus = IdList(name, value, "CPU"); break;
                case "--cpuset-mems": Cpu(r).Mems = IdList(name, value, "memory node"); break;
                case "--pids-limit": (r.Pids ??= new Pids()).Limit = Signed(name, value, "a number of processes, 0 or -1 for no limit"); break;
                case "--blkio-weight": (r.BlockIO ??= new BlockIO()).Weight = BlkioWeight(name, value); break;
                default:
                    throw new MyDockerException($"{rawName}: not a resource flag (known: {string.Join(", ", Names)})");
            }
        }
        if (cpus is double c)
        {
            if (quotaOrPeriod) throw new MyDockerException("--cpus: cannot be combined with --cpu-quota or --cpu-period");
            // docker's NanoCPUs: quota = cpus * period; 0 removes the limit (quota -1 → v1 "-1", v2 "max").
            Cpu(r).Period = CpusPeriod;
            Cpu(r).Quota = c == 0 ? -1 : (long)Math.Round(c * CpusPeriod);
        }
        var m = r.Memory;
        if (m?.Swap is long swap && swap > 0 && m.Limit is long limit && limit > 0 && swap < limit)
            throw new MyDockerException($"--memory-swap: {swap} is below --memory {limit} (the swap limit counts memory + swap)");
        return r;
    }

    private static string Normalize(string name) => name.StartsWith("--", StringComparison.Ordinal) ? name : "--" + name;

    private static Memory Mem(Resources r) => r.Memory ??= new Memory();

    private static Cpu Cpu(Resources r) => r.Cpu ??= new Cpu();

    /// <summary>
    /// A size: a number (fractions allowed: "1.5g") with an optional unit b, k, m or g (any case, binary
    /// multiples, "kb"/"mb"/"gb" too, as docker takes them); "-1" means no limit.
    /// </summary>
    public static long MemorySize(string flag, string text)
    {
        if (text.Trim() == "-1") return -1;
        return Size(flag, text);
    }

    public static long Size(string flag, string text)
    {
        string t = text.Trim().ToLowerInvariant();
        int end = 0;
        while (end < t.Length && (char.IsAsciiDigit(t[end]) || t[end] == '.')) end++;
        string number = t[..end], unit = t[end..].Trim();
        if (unit.Length == 2 && unit[1] == 'b' && unit[0] is 'k' or 'm' or 'g') unit = unit[..1];
        long multiplier = unit switch
        {
            "" or "b" => 1,
            "k" => 1L << 10,
            "m" => 1L << 20,
            "g" => 1L << 30,
            _ => 0,
        };
        if (multiplier == 0 || number.Length == 0 ||
            !double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double n) ||
            n * multiplier >= long.MaxValue)
            throw new MyDockerException($"{flag}: invalid size \"{text}\" (use a number with b, k, m or g)");
        return (long)(n * multiplier);
    }

    /// <summary>--cpus: a number of CPUs (fractions allowed); 0 removes the limit; at least 0.01 (a 1 ms quota, the kernel's minimum).</summary>
    public static double Cpus(string flag, string text)
    {
        if (!double.TryParse(text.Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double c) || !double.IsFinite(c))
            throw new MyDockerException($"{flag}: invalid value \"{text}\" (use a number of CPUs, e.g. 0.5)");
        if (c != 0 && c < 0.01)
            throw new MyDockerException($"{flag}: {text} is below the minimum of 0.01 CPU");
        if (c > 100_000)
            throw new MyDockerException($"{flag}: {text} is more CPUs than any machine has");
        return c;
    }

    private static ulong Unsigned(string flag, string text, string hint)
    {
        if (!ulong.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out ulong v))
            throw new MyDockerException($"{flag}: invalid value \"{text}\" (use {hint})");
        return v;
    }

    private static long Signed(string flag, string text, string hint)
    {
        if (!long.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v))
            throw new MyDockerException($"{flag}: invalid value \"{text}\" (use {hint})");
        return v;
    }

    /// <summary>cpuset(7) "List format": "0-3,5", checked here so a typo fails before the kernel's EINVAL.</summary>
    private static string IdList(string flag, string text, string what)
    {
        string t = text.Trim();
        bool ok = t.Length > 0;
        foreach (string part in t.Split(','))
        {
            string[] ends = part.Split('-');
            ok &= ends.Length is 1 or 2 && ends.All(e => e.Length > 0 && e.All(char.IsAsciiDigit));
            if (ok && ends.Length == 2) ok &= long.Parse(ends[0], CultureInfo.InvariantCulture) <= long.Parse(ends[1], CultureInfo.InvariantCulture);
            if (!ok) break;
        }
        if (!ok) throw new MyDockerException($"{flag}: invalid {what} list \"{text}\" (use e.g. 0-3,5)");
        return t;
    }

    /// <summary>blkio weight: 10..1000 (blkio-controller.rst), as docker checks.</summary>
    private static ushort BlkioWeight(string flag, string text)
    {
        if (!ushort.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out ushort w) || w < 10 || w > 1000)
            throw new MyDockerException($"{flag}: invalid weight \"{text}\" (use 10 to 1000)");
        return w;
    }
}
