using MyDocker.Runtime.Interop;
using MyDocker.Spec;
using MyDocker.Spec.Validation;
using SpecCapabilities = MyDocker.Spec.Model.Capabilities;

namespace MyDocker.Runtime.Security;

/// <summary>Capability names (config.md "capabilities": CAP_* names) and their kernel numbers.</summary>
public static class CapabilityNames
{
    /// <summary>The kernel number of a capability (CAP_CHOWN = 0), or -1 for a name MyDocker does not know.</summary>
    public static int Number(string name)
    {
        var names = KnownNames.Capabilities;
        for (int i = 0; i < names.Count; i++)
            if (names[i] == name) return i;
        return -1;
    }

    public static string Name(int number) =>
        number >= 0 && number < KnownNames.Capabilities.Count ? KnownNames.Capabilities[number] : $"capability {number}";

    /// <summary>The names of the bits set in a 64-bit mask, lowest first (for messages and tests).</summary>
    public static IEnumerable<string> Names(ulong mask)
    {
        for (int i = 0; i < 64; i++)
            if ((mask & (1UL << i)) != 0) yield return Name(i);
    }

    /// <summary>
    /// CAP_LAST_CAP of the running kernel: /proc/sys/kernel/cap_last_cap, or, where /proc is not there,
    /// the highest number PR_CAPBSET_READ accepts (it fails with EINVAL above the last one).
    /// </summary>
    public static int LastCap()
    {
        try
        {
            if (int.TryParse(SmallFile.ReadText("/proc/sys/kernel/cap_last_cap").Trim(), out int n) && n is >= 0 and < 64)
                return n;
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        int last = 0;
        while (last < 63 && Libc.Prctl(Libc.PR_CAPBSET_READ, (nuint)(last + 1), 0, 0, 0) >= 0) last++;
        return last;
    }
}

/// <summary>
/// What config.md "capabilities" asks of the kernel, as 64-bit masks: computed once, without side
/// effects, so the rules can be unit-tested. A list the config leaves out is the empty set (as in runc:
/// a "capabilities" object without "bounding" drops the whole bounding set).
/// </summary>
public sealed class CapabilityPlan
{
    public int LastCap { get; }
    public ulong Bounding { get; }
    public ulong Effective { get; }
    public ulong Permitted { get; }
    public ulong Inheritable { get; }
    public ulong Ambient { get; }

    /// <summary>
    /// Names the plan leaves out, one message each. config.md: a runtime SHOULD log a warning for a
    /// capability it does not know or the kernel does not support, and go on.
    /// </summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>Ambient entries left out, one message each (see <see cref="AmbientLeftOut"/>): a debug note, not a warning.</summary>
    public IReadOnlyList<string> Notes { get; }

    private CapabilityPlan(int lastCap, ulong b, ulong e, ulong p, ulong i, ulong a, List<string> warnings, List<string> notes)
    {
        LastCap = lastCap;
        Bounding = b; Effective = e; Permitted = p; Inheritable = i; Ambient = a;
        Warnings = warnings;
        Notes = notes;
    }

    /// <summary>Every capability the kernel has (0..LastCap).</summary>
    public ulong All => LastCap >= 63 ? ulong.MaxValue : (1UL << (LastCap + 1)) - 1;

    /// <summary>The numbers to PR_CAPBSET_DROP: every capability of the kernel that "bounding" does not name.</summary>
    public IReadOnlyList<int> BoundingDrops => Bits(All & ~Bounding);

    /// <summary>The numbers to PR_CAP_AMBIENT_RAISE, lowest first.</summary>
    public IReadOnlyList<int> AmbientRaises => Bits(Ambient);

    /// <summary>
    /// Builds the plan for a kernel whose last capability is lastCap. Throws, naming the field, where
    /// capset(2) would refuse the sets anyway: it wants effective within permitted. PR_CAP_AMBIENT_RAISE
    /// wants an ambient capability to be both permitted and inheritable: other ambient entries are left
    /// out of <see cref="Ambient"/> and listed in <see cref="Notes"/>.
    /// </summary>
    public static CapabilityPlan From(SpecCapabilities caps, int lastCap)
    {
        var warnings = new List<string>();
        ulong b = Mask(caps.Bounding, "process.capabilities.bounding", lastCap, warnings);
        ulong e = Mask(caps.Effective, "process.capabilities.effective", lastCap, warnings);
        ulong p = Mask(caps.Permitted, "process.capabilities.permitted", lastCap, warnings);
        ulong i = Mask(caps.Inheritable, "process.capabilities.inheritable", lastCap, warnings);
        ulong a = Mask(caps.Ambient, "process.capabilities.ambient", lastCap, warnings);

        RequireSubset(caps.Effective, "process.capabilities.effective", e & ~p,
            "is not in process.capabilities.permitted (only a permitted capability can be effective)");
        var notes = AmbientLeftOut(caps, lastCap);
        a &= p & i;
        return new CapabilityPlan(lastCap, b, e, p, i, a, warnings, notes);
    }

    /// <summary>
    /// The ambient entries that are not both permitted and inheritable, one message each. The kernel
    /// refuses to raise those; runc's own `runc spec` config lists three (ambient, and no inheritable
    /// set) and runc leaves them out without a word. So do we: they are left out, and said only as a
    /// debug line (the runtime process prints these under --debug), not as a warning on every run.
    /// </summary>
    public static List<string> AmbientLeftOut(SpecCapabilities caps, int lastCap)
    {
        var notes = new List<string>();
        if (caps.Ambient is null) return notes;
        var ignored = new List<string>(); // unknown names: Warnings of From's plan
        ulong both = Mask(caps.Permitted, "", lastCap, ignored) & Mask(caps.Inheritable, "", lastCap, ignored);
        ulong outside = Mask(caps.Ambient, "", lastCap, ignored) & ~both;
        for (int k = 0; outside != 0 && k < caps.Ambient.Count; k++)
        {
            int n = CapabilityNames.Number(caps.Ambient[k]);
            if (n >= 0 && (outside & (1UL << n)) != 0)
                notes.Add($"process.capabilities.ambient[{k}]: {caps.Ambient[k]} is not both permitted and inheritable: not raised");
        }
        return notes;
    }

    /// <summary>The mask of the names in a list; unknown and unsupported names become warnings.</summary>
    public static ulong Mask(List<string>? names, string path, int lastCap, List<string> warnings)
    {
        ulong mask = 0;
        if (names is null) return 0;
        for (int k = 0; k < names.Count; k++)
        {
            int n = CapabilityNames.Number(names[k]);
            if (n < 0)
                warnings.Add($"{path}[{k}]: unknown capability \"{names[k]}\": ignored");
            else if (n > lastCap)
                warnings.Add($"{path}[{k}]: {names[k]} is not supported by this kernel (cap_last_cap {lastCap}): ignored");
            else
                mask |= 1UL << n;
        }
        return mask;
    }

    private static void RequireSubset(List<string>? names, string path, ulong outside, string problem)
    {
        if (outside == 0 || names is null) return;
        for (int k = 0; k < names.Count; k++)
        {
            int n = CapabilityNames.Number(names[k]);
            if (n >= 0 && (outside & (1UL << n)) != 0)
                throw new MyDockerException($"{path}[{k}]: {names[k]} {problem}");
        }
    }

    private static List<int> Bits(ulong mask)
    {
        var list = new List<int>();
        for (int n = 0; n < 64; n++)
            if ((mask & (1UL << n)) != 0) list.Add(n);
        return list;
    }
}
