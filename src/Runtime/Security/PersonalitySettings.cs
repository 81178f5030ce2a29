using MyDocker.Runtime.Interop;
using MyDocker.Spec;
using MyDocker.Spec.Model;

namespace MyDocker.Runtime.Security;

/// <summary>
/// config-linux.md "Personality": the execution domain (LINUX, or LINUX32 where uname reports a 32-bit
/// machine) set with personality(2), which survives execve. The spec defines no flag values yet; the
/// kernel's own flag names (include/uapi/linux/personality.h) are accepted, anything else is an error.
/// </summary>
public static class PersonalitySettings
{
    public static readonly IReadOnlyDictionary<string, uint> Domains = new Dictionary<string, uint>
    {
        ["LINUX"] = 0x0000, ["LINUX32"] = 0x0008,
    };

    public static readonly IReadOnlyDictionary<string, uint> Flags = new Dictionary<string, uint>
    {
        ["UNAME26"] = 0x0020000, ["ADDR_NO_RANDOMIZE"] = 0x0040000, ["FDPIC_FUNCPTRS"] = 0x0080000,
        ["MMAP_PAGE_ZERO"] = 0x0100000, ["ADDR_COMPAT_LAYOUT"] = 0x0200000, ["READ_IMPLIES_EXEC"] = 0x0400000,
        ["ADDR_LIMIT_32BIT"] = 0x0800000, ["SHORT_INODE"] = 0x1000000, ["WHOLE_SECONDS"] = 0x2000000,
        ["STICKY_TIMEOUTS"] = 0x4000000, ["ADDR_LIMIT_3GB"] = 0x8000000,
    };

    public static uint Value(Personality p)
    {
        if (!Domains.TryGetValue(p.Domain, out uint value))
            throw new MyDockerException($"linux.personality.domain: must be LINUX or LINUX32, got \"{p.Domain}\"");
        for (int i = 0; i < (p.Flags?.Count ?? 0); i++)
        {
            if (!Flags.TryGetValue(p.Flags![i], out uint flag))
                throw new MyDockerException($"linux.personality.flags[{i}]: unknown personality flag \"{p.Flags[i]}\"");
            value |= flag;
        }
        return value;
    }

    public static void Apply(Personality? p)
    {
        if (p is null) return;
        uint value = Value(p);
        if (Libc.Personality(value) == -1)
            throw Libc.Fail($"linux.personality: personality({p.Domain}, 0x{value:x})");
    }
}
