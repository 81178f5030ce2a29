using System.Text.Json.Serialization;

namespace MyDocker.Engine.Api.Models;

/// <summary>
/// The body of POST /containers/create (Docker's container.Config with HostConfig inside): the part
/// of it this engine reads. Unknown fields are ignored, as dockerd does. Kept as is in the
/// container's record (it is also what inspect shows as Config and HostConfig).
/// </summary>
public sealed class ContainerConfigBody
{
    public string? Hostname { get; set; }
    public string? Domainname { get; set; }
    public string? User { get; set; }
    public bool AttachStdin { get; set; }
    public bool AttachStdout { get; set; }
    public bool AttachStderr { get; set; }
    public bool Tty { get; set; }
    public bool OpenStdin { get; set; }
    public bool StdinOnce { get; set; }
    public List<string>? Env { get; set; }
    [JsonConverter(typeof(StrSliceConverter))] public List<string>? Cmd { get; set; }
    [JsonConverter(typeof(StrSliceConverter))] public List<string>? Entrypoint { get; set; }
    public string? Image { get; set; }
    public string? WorkingDir { get; set; }
    public Dictionary<string, string>? Labels { get; set; }
    public Dictionary<string, EmptyObject>? ExposedPorts { get; set; }
    public bool? NetworkDisabled { get; set; }
    public string? StopSignal { get; set; }
    public int? StopTimeout { get; set; }
    public HostConfigBody? HostConfig { get; set; }
}

/// <summary>Docker's HostConfig: limits, mounts, network, user namespace, clean-up.</summary>
public sealed class HostConfigBody
{
    public List<string>? Binds { get; set; }
    public string? NetworkMode { get; set; }
    public Dictionary<string, List<PortBindingBody>?>? PortBindings { get; set; }
    public bool AutoRemove { get; set; }
    public bool Privileged { get; set; }
    public bool ReadonlyRootfs { get; set; }
    public string? UsernsMode { get; set; }
    public long Memory { get; set; }
    public long MemorySwap { get; set; }
    public long NanoCpus { get; set; }
    public long CpuQuota { get; set; }
    public long CpuPeriod { get; set; }
    public long CpuShares { get; set; }
    public long? PidsLimit { get; set; }
    public List<string>? CapAdd { get; set; }
    public List<string>? CapDrop { get; set; }
    public List<string>? Dns { get; set; }
    public List<string>? ExtraHosts { get; set; }
    public Dictionary<string, string>? Sysctls { get; set; }
    public RestartPolicyBody? RestartPolicy { get; set; }
    public LogConfigBody? LogConfig { get; set; }
}

public sealed class PortBindingBody
{
    public string? HostIp { get; set; }
    public string? HostPort { get; set; }
}

public sealed class RestartPolicyBody
{
    public string? Name { get; set; }
    public int MaximumRetryCount { get; set; }
}

public sealed class LogConfigBody
{
    public string? Type { get; set; }
    public Dictionary<string, string>? Config { get; set; }
}

/// <summary>Docker writes sets as maps to empty objects: "ExposedPorts": {"80/tcp": {}}.</summary>
public sealed class EmptyObject;
