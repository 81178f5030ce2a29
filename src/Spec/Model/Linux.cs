using System.Text.Json;

namespace MyDocker.Spec.Model;

/// <summary>config-linux.md: the "linux" object.</summary>
public sealed class Linux
{
    public List<Namespace>? Namespaces { get; set; }
    public List<IdMapping>? UidMappings { get; set; }
    public List<IdMapping>? GidMappings { get; set; }
    public Dictionary<string, TimeOffset>? TimeOffsets { get; set; }
    public List<Device>? Devices { get; set; }
    public string? CgroupsPath { get; set; }
    public Resources? Resources { get; set; }
    public string? RootfsPropagation { get; set; }
    public Seccomp? Seccomp { get; set; }
    public Dictionary<string, string>? Sysctl { get; set; }
    public List<string>? MaskedPaths { get; set; }
    public List<string>? ReadonlyPaths { get; set; }
    public string? MountLabel { get; set; }
    public Personality? Personality { get; set; }
    public JsonElement? IntelRdt { get; set; }
}

/// <summary>config-linux.md "Namespaces": type, and an optional path to join.</summary>
public sealed class Namespace
{
    // required
    public string Type { get; set; } = "";
    public string? Path { get; set; }
}

public sealed class TimeOffset
{
    public long Secs { get; set; }
    public uint Nanosecs { get; set; }
}

/// <summary>config-linux.md "Devices": a device node made inside the container.</summary>
public sealed class Device
{
    // required
    public string Type { get; set; } = "";
    // required
    public string Path { get; set; } = "";
    public long? Major { get; set; }
    public long? Minor { get; set; }
    public uint? FileMode { get; set; }
    public uint? Uid { get; set; }
    public uint? Gid { get; set; }
}

public sealed class Personality
{
    public string Domain { get; set; } = "";
    public List<string>? Flags { get; set; }
}

/// <summary>config-linux.md "Seccomp".</summary>
public sealed class Seccomp
{
    // required
    public string DefaultAction { get; set; } = "";
    public uint? DefaultErrnoRet { get; set; }
    public List<string>? Architectures { get; set; }
    public List<string>? Flags { get; set; }
    public string? ListenerPath { get; set; }
    public string? ListenerMetadata { get; set; }
    public List<SeccompSyscall>? Syscalls { get; set; }
}

public sealed class SeccompSyscall
{
    // required
    public List<string> Names { get; set; } = new();
    // required
    public string Action { get; set; } = "";
    public uint? ErrnoRet { get; set; }
    public List<SeccompArg>? Args { get; set; }
}

public sealed class SeccompArg
{
    // required
    public uint Index { get; set; }
    // required
    public ulong Value { get; set; }
    public ulong? ValueTwo { get; set; }
    // required
    public string Op { get; set; } = "";
}
