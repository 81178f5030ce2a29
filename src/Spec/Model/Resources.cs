namespace MyDocker.Spec.Model;

// config-linux.md "Control groups": linux.resources and its controllers.
// "// required" marks what the spec's JSON schema requires: SpecReader refuses a config.json without
// it with "config.json: <path>: is required".

public sealed class Resources
{
    public List<DeviceCgroupRule>? Devices { get; set; }
    public Memory? Memory { get; set; }
    public Cpu? Cpu { get; set; }
    public Pids? Pids { get; set; }
    public BlockIO? BlockIO { get; set; }
    public List<HugepageLimit>? HugepageLimits { get; set; }
    public Network? Network { get; set; }
    /// <summary>Keyed by RDMA device name (config-linux.md "RDMA").</summary>
    public Dictionary<string, Rdma>? Rdma { get; set; }
    public Dictionary<string, string>? Unified { get; set; }
}

public sealed class DeviceCgroupRule
{
    // required
    public bool Allow { get; set; }
    public string? Type { get; set; }
    public long? Major { get; set; }
    public long? Minor { get; set; }
    public string? Access { get; set; }
}

public sealed class Memory
{
    public long? Limit { get; set; }
    public long? Reservation { get; set; }
    public long? Swap { get; set; }
    public long? Kernel { get; set; }
    public long? KernelTCP { get; set; }
    public ulong? Swappiness { get; set; }
    public bool? DisableOOMKiller { get; set; }
    public bool? UseHierarchy { get; set; }
    public bool? CheckBeforeUpdate { get; set; }
}

public sealed class Cpu
{
    public ulong? Shares { get; set; }
    public long? Quota { get; set; }
    public long? Burst { get; set; }
    public ulong? Period { get; set; }
    public long? RealtimeRuntime { get; set; }
    public ulong? RealtimePeriod { get; set; }
    public string? Cpus { get; set; }
    public string? Mems { get; set; }
    public long? Idle { get; set; }
}

public sealed class Pids
{
    public long? Limit { get; set; }
}

public sealed class BlockIO
{
    public ushort? Weight { get; set; }
    public ushort? LeafWeight { get; set; }
    public List<WeightDevice>? WeightDevice { get; set; }
    public List<ThrottleDevice>? ThrottleReadBpsDevice { get; set; }
    public List<ThrottleDevice>? ThrottleWriteBpsDevice { get; set; }
    public List<ThrottleDevice>? ThrottleReadIOPSDevice { get; set; }
    public List<ThrottleDevice>? ThrottleWriteIOPSDevice { get; set; }
}

public sealed class WeightDevice
{
    // required
    public long Major { get; set; }
    // required
    public long Minor { get; set; }
    public ushort? Weight { get; set; }
    public ushort? LeafWeight { get; set; }
}

public sealed class ThrottleDevice
{
    // required
    public long Major { get; set; }
    // required
    public long Minor { get; set; }
    public ulong Rate { get; set; }
}

public sealed class HugepageLimit
{
    // required
    public string PageSize { get; set; } = "";
    // required
    public ulong Limit { get; set; }
}

public sealed class Network
{
    public uint? ClassID { get; set; }
    public List<InterfacePriority>? Priorities { get; set; }
}

public sealed class InterfacePriority
{
    // required
    public string Name { get; set; } = "";
    // required
    public uint Priority { get; set; }
}

/// <summary>config-linux.md "RDMA": the limits of one device (at least one of the two is set).</summary>
public sealed class Rdma
{
    public uint? HcaHandles { get; set; }
    public uint? HcaObjects { get; set; }
}
