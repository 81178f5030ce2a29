namespace MyDocker.Spec.Model;

// The bundle's config.json, as runtime-spec config.md describes it.
// Json/SpecReader and Json/SpecWriter map the properties to the spec's camelCase fields.
// Unknown fields are ignored on read (spec: "Extensibility").
// "// required" marks what the spec's JSON schema requires: SpecReader refuses a config.json without
// it with "config.json: <path>: is required".

/// <summary>config.md: the top-level object of config.json.</summary>
public sealed class Config
{
    // required
    public string OciVersion { get; set; } = "";
    public Root? Root { get; set; }
    public List<Mount>? Mounts { get; set; }
    public Process? Process { get; set; }
    public string? Hostname { get; set; }
    public string? Domainname { get; set; }
    public Hooks? Hooks { get; set; }
    public Dictionary<string, string>? Annotations { get; set; }
    public Linux? Linux { get; set; }
}

/// <summary>config.md "Root": the container's root filesystem.</summary>
public sealed class Root
{
    // required
    public string Path { get; set; } = "";
    public bool Readonly { get; set; }
}

/// <summary>config.md "Mounts": one entry of mounts[].</summary>
public sealed class Mount
{
    // required
    public string Destination { get; set; } = "";
    public string? Type { get; set; }
    public string? Source { get; set; }
    public List<string>? Options { get; set; }
    public List<IdMapping>? UidMappings { get; set; }
    public List<IdMapping>? GidMappings { get; set; }
}

/// <summary>config.md "Process": the container's first process.</summary>
public sealed class Process
{
    public bool Terminal { get; set; }
    public ConsoleSize? ConsoleSize { get; set; }
    public User User { get; set; } = new();
    public List<string>? Args { get; set; }
    public string? CommandLine { get; set; }
    public List<string>? Env { get; set; }
    // required
    public string Cwd { get; set; } = "/";
    public Capabilities? Capabilities { get; set; }
    public List<Rlimit>? Rlimits { get; set; }
    public bool NoNewPrivileges { get; set; }
    public string? ApparmorProfile { get; set; }
    public int? OomScoreAdj { get; set; }
    public Scheduler? Scheduler { get; set; }
    public string? SelinuxLabel { get; set; }
    public IoPriority? IoPriority { get; set; }
    public ExecCpuAffinity? ExecCPUAffinity { get; set; }
}

public sealed class ConsoleSize
{
    // required
    public uint Height { get; set; }
    // required
    public uint Width { get; set; }
}

/// <summary>config.md "User" (POSIX platforms).</summary>
public sealed class User
{
    public uint Uid { get; set; }
    public uint Gid { get; set; }
    public uint? Umask { get; set; }
    public List<uint>? AdditionalGids { get; set; }
    public string? Username { get; set; }
}

/// <summary>config.md "capabilities": the five Linux capability sets, by name (CAP_*).</summary>
public sealed class Capabilities
{
    public List<string>? Bounding { get; set; }
    public List<string>? Effective { get; set; }
    public List<string>? Inheritable { get; set; }
    public List<string>? Permitted { get; set; }
    public List<string>? Ambient { get; set; }
}

public sealed class Rlimit
{
    // required
    public string Type { get; set; } = "";
    // required
    public ulong Soft { get; set; }
    // required
    public ulong Hard { get; set; }
}

public sealed class Scheduler
{
    // required
    public string Policy { get; set; } = "";
    public int? Nice { get; set; }
    public int? Priority { get; set; }
    public List<string>? Flags { get; set; }
    public ulong? Runtime { get; set; }
    public ulong? Deadline { get; set; }
    public ulong? Period { get; set; }
}

public sealed class IoPriority
{
    // required
    public string Class { get; set; } = "";
    public int Priority { get; set; }
}

public sealed class ExecCpuAffinity
{
    public string? Initial { get; set; }
    public string? Final { get; set; }
}

/// <summary>config.md "POSIX-platform Hooks".</summary>
public sealed class Hooks
{
    public List<Hook>? Prestart { get; set; }
    public List<Hook>? CreateRuntime { get; set; }
    public List<Hook>? CreateContainer { get; set; }
    public List<Hook>? StartContainer { get; set; }
    public List<Hook>? Poststart { get; set; }
    public List<Hook>? Poststop { get; set; }
}

public sealed class Hook
{
    // required
    public string Path { get; set; } = "";
    public List<string>? Args { get; set; }
    public List<string>? Env { get; set; }
    public int? Timeout { get; set; }
}

/// <summary>uidMappings / gidMappings entries (config-linux.md "User namespace mappings").</summary>
public sealed class IdMapping
{
    // required
    public uint ContainerID { get; set; }
    // required
    public uint HostID { get; set; }
    // required
    public uint Size { get; set; }
}
