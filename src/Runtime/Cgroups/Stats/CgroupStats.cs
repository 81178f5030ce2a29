using System.Text.Json.Serialization;

namespace MyDocker.Runtime.Cgroups.Stats;

// The "data" of runc's `events --stats` output, in runc's JSON shape (runc types/events.go):
// {"type":"stats","id":"<id>","data":{"cpu":{...},"cpuset":{...},"memory":{...},"pids":{...},
//  "blkio":{...},"hugetlb":{...},"intel_rdt":{},"network_interfaces":null}}
// Go's `omitempty` on a number or list is WhenWritingDefault/WhenWritingNull here (empty lists are
// kept null); Go ignores omitempty on structs, so nested objects are always written.
// Additions that keep the shape: memory.raw also carries the OOM counters ("oom", "oom_kill";
// cgroup v2 memory.events, cgroup v1 memory.oom_control), which runc's stats do not report.

/// <summary>One `events --stats` line: {"type":"stats","id":..,"data":{..}} (type "oom" has no data).</summary>
public sealed class CgroupEvent
{
    [JsonPropertyName("type")] public string Type { get; set; } = "stats";
    [JsonPropertyName("id")] public string Id { get; set; } = "";
    [JsonPropertyName("data")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public CgroupStats? Data { get; set; }
}

public sealed class CgroupStats
{
    [JsonPropertyName("cpu")] public CpuStats Cpu { get; set; } = new();
    [JsonPropertyName("cpuset")] public CpusetStats CpuSet { get; set; } = new();
    [JsonPropertyName("memory")] public MemoryStats Memory { get; set; } = new();
    [JsonPropertyName("pids")] public PidsStats Pids { get; set; } = new();
    [JsonPropertyName("blkio")] public BlkioStats Blkio { get; set; } = new();
    /// <summary>Keyed by page size as the kernel names it ("2MB", "1GB").</summary>
    [JsonPropertyName("hugetlb")] public Dictionary<string, HugetlbStats> Hugetlb { get; set; } = new();
    [JsonPropertyName("intel_rdt")] public IntelRdtStats IntelRdt { get; set; } = new();
    /// <summary>Not collected (runc reads them from the container's network namespace): always null.</summary>
    [JsonPropertyName("network_interfaces")] public List<NetworkInterfaceStats>? NetworkInterfaces { get; set; }
}

public sealed class CpuStats
{
    [JsonPropertyName("usage")] public CpuUsage Usage { get; set; } = new();
    [JsonPropertyName("throttling")] public Throttling Throttling { get; set; } = new();
}

public sealed class CpuUsage
{
    /// <summary>Nanoseconds, like every field here.</summary>
    [JsonPropertyName("total")][JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public ulong Total { get; set; }
    [JsonPropertyName("percpu")][JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public List<ulong>? Percpu { get; set; }
    [JsonPropertyName("percpu_kernel")][JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public List<ulong>? PercpuKernel { get; set; }
    [JsonPropertyName("percpu_user")][JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public List<ulong>? PercpuUser { get; set; }
    [JsonPropertyName("kernel")] public ulong Kernel { get; set; }
    [JsonPropertyName("user")] public ulong User { get; set; }
}

public sealed class Throttling
{
    [JsonPropertyName("periods")][JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public ulong Periods { get; set; }
    [JsonPropertyName("throttledPeriods")][JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public ulong ThrottledPeriods { get; set; }
    /// <summary>Nanoseconds.</summary>
    [JsonPropertyName("throttledTime")][JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public ulong ThrottledTime { get; set; }
}

public sealed class CpusetStats
{
    [JsonPropertyName("cpus")][JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public List<ushort>? Cpus { get; set; }
    [JsonPropertyName("cpu_exclusive")] public ulong CpuExclusive { get; set; }
    [JsonPropertyName("mems")][JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public List<ushort>? Mems { get; set; }
    [JsonPropertyName("mem_hardwall")] public ulong MemHardwall { get; set; }
    [JsonPropertyName("mem_exclusive")] public ulong MemExclusive { get; set; }
    [JsonPropertyName("memory_migrate")] public ulong MemoryMigrate { get; set; }
    [JsonPropertyName("memory_spread_page")] public ulong MemorySpreadPage { get; set; }
    [JsonPropertyName("memory_spread_slab")] public ulong MemorySpreadSlab { get; set; }
    [JsonPropertyName("memory_pressure")] public ulong MemoryPressure { get; set; }
    [JsonPropertyName("sched_load_balance")] public ulong SchedLoadBalance { get; set; }
    [JsonPropertyName("sched_relax_domain_level")] public long SchedRelaxDomainLevel { get; set; }
}

public sealed class MemoryEntry
{
    /// <summary>Bytes; "no limit" is 2^64-1 on cgroup v2 ("max"), the kernel's page-rounded LONG_MAX on v1.</summary>
    [JsonPropertyName("limit")] public ulong Limit { get; set; }
    [JsonPropertyName("usage")][JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public ulong Usage { get; set; }
    [JsonPropertyName("max")][JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public ulong Max { get; set; }
    /// <summary>How many times usage hit the limit (v1 *.failcnt; v2 the "max" count of memory.events).</summary>
    [JsonPropertyName("failcnt")] public ulong Failcnt { get; set; }
}

public sealed class MemoryStats
{
    [JsonPropertyName("cache")][JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public ulong Cache { get; set; }
    [JsonPropertyName("usage")] public MemoryEntry Usage { get; set; } = new();
    /// <summary>Memory + swap, as cgroup v1's memsw counts it (v2 values are added up to match).</summary>
    [JsonPropertyName("swap")] public MemoryEntry Swap { get; set; } = new();
    [JsonPropertyName("kernel")] public MemoryEntry Kernel { get; set; } = new();
    [JsonPropertyName("kernelTCP")] public MemoryEntry KernelTCP { get; set; } = new();
    /// <summary>memory.stat as it is, plus "oom" and "oom_kill" counts.</summary>
    [JsonPropertyName("raw")][JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public Dictionary<string, ulong>? Raw { get; set; }
}

public sealed class PidsStats
{
    [JsonPropertyName("current")][JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public ulong Current { get; set; }
    /// <summary>0 when unlimited ("max"), as runc reports it.</summary>
    [JsonPropertyName("limit")][JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public ulong Limit { get; set; }
}

public sealed class BlkioEntry
{
    [JsonPropertyName("major")][JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public ulong Major { get; set; }
    [JsonPropertyName("minor")][JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public ulong Minor { get; set; }
    [JsonPropertyName("op")][JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Op { get; set; }
    [JsonPropertyName("value")][JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public ulong Value { get; set; }
}

public sealed class BlkioStats
{
    [JsonPropertyName("ioServiceBytesRecursive")][JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public List<BlkioEntry>? IoServiceBytesRecursive { get; set; }
    [JsonPropertyName("ioServicedRecursive")][JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public List<BlkioEntry>? IoServicedRecursive { get; set; }
    [JsonPropertyName("ioQueueRecursive")][JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public List<BlkioEntry>? IoQueuedRecursive { get; set; }
    [JsonPropertyName("ioServiceTimeRecursive")][JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public List<BlkioEntry>? IoServiceTimeRecursive { get; set; }
    [JsonPropertyName("ioWaitTimeRecursive")][JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public List<BlkioEntry>? IoWaitTimeRecursive { get; set; }
    [JsonPropertyName("ioMergedRecursive")][JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public List<BlkioEntry>? IoMergedRecursive { get; set; }
    [JsonPropertyName("ioTimeRecursive")][JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public List<BlkioEntry>? IoTimeRecursive { get; set; }
    [JsonPropertyName("sectorsRecursive")][JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public List<BlkioEntry>? SectorsRecursive { get; set; }
}

public sealed class HugetlbStats
{
    [JsonPropertyName("usage")][JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public ulong Usage { get; set; }
    [JsonPropertyName("max")][JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public ulong Max { get; set; }
    [JsonPropertyName("failcnt")] public ulong Failcnt { get; set; }
}

/// <summary>Intel RDT (resctrl) is not a cgroup: written as {} like runc does without it.</summary>
public sealed class IntelRdtStats
{
}

/// <summary>runc's NetworkInterface (no JSON tags in Go, hence the capitalised names).</summary>
public sealed class NetworkInterfaceStats
{
    public string Name { get; set; } = "";
    public ulong RxBytes { get; set; }
    public ulong RxPackets { get; set; }
    public ulong RxErrors { get; set; }
    public ulong RxDropped { get; set; }
    public ulong TxBytes { get; set; }
    public ulong TxPackets { get; set; }
    public ulong TxErrors { get; set; }
    public ulong TxDropped { get; set; }
}

/// <summary>Source-generated JSON for the stats (NativeAOT: no reflection).</summary>
[JsonSourceGenerationOptions(WriteIndented = false)]
[JsonSerializable(typeof(CgroupEvent))]
[JsonSerializable(typeof(CgroupStats))]
public partial class CgroupStatsJsonContext : JsonSerializerContext
{
}
