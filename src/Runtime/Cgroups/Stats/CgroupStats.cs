namespace MyDocker.Runtime.Cgroups.Stats;

// The "data" of runc's `events --stats` output, in runc's JSON shape (runc types/events.go):
// {"type":"stats","id":"<id>","data":{"cpu":{...},"cpuset":{...},"memory":{...},"pids":{...},
//  "blkio":{...},"hugetlb":{...},"intel_rdt":{},"network_interfaces":null}}
// The JSON names and which fields Go's `omitempty` leaves out (zero numbers, null lists; empty lists are
// kept null; nested objects are always written) are in CgroupStatsJson, which writes them.
// Additions that keep the shape: memory.raw also carries the OOM counters ("oom", "oom_kill";
// cgroup v2 memory.events, cgroup v1 memory.oom_control), which runc's stats do not report.

/// <summary>One `events --stats` line: {"type":"stats","id":..,"data":{..}} (type "oom" has no data).</summary>
public sealed class CgroupEvent
{
    public string Type { get; set; } = "stats";
    public string Id { get; set; } = "";
    public CgroupStats? Data { get; set; }
}

public sealed class CgroupStats
{
    public CpuStats Cpu { get; set; } = new();
    public CpusetStats CpuSet { get; set; } = new();
    public MemoryStats Memory { get; set; } = new();
    public PidsStats Pids { get; set; } = new();
    public BlkioStats Blkio { get; set; } = new();
    /// <summary>Keyed by page size as the kernel names it ("2MB", "1GB").</summary>
    public Dictionary<string, HugetlbStats> Hugetlb { get; set; } = new();
    public IntelRdtStats IntelRdt { get; set; } = new();
    /// <summary>Not collected (runc reads them from the container's network namespace): always null.</summary>
    public List<NetworkInterfaceStats>? NetworkInterfaces { get; set; }
}

public sealed class CpuStats
{
    public CpuUsage Usage { get; set; } = new();
    public Throttling Throttling { get; set; } = new();
}

public sealed class CpuUsage
{
    /// <summary>Nanoseconds, like every field here.</summary>
    public ulong Total { get; set; }
    public List<ulong>? Percpu { get; set; }
    public List<ulong>? PercpuKernel { get; set; }
    public List<ulong>? PercpuUser { get; set; }
    public ulong Kernel { get; set; }
    public ulong User { get; set; }
}

public sealed class Throttling
{
    public ulong Periods { get; set; }
    public ulong ThrottledPeriods { get; set; }
    /// <summary>Nanoseconds.</summary>
    public ulong ThrottledTime { get; set; }
}

public sealed class CpusetStats
{
    public List<ushort>? Cpus { get; set; }
    public ulong CpuExclusive { get; set; }
    public List<ushort>? Mems { get; set; }
    public ulong MemHardwall { get; set; }
    public ulong MemExclusive { get; set; }
    public ulong MemoryMigrate { get; set; }
    public ulong MemorySpreadPage { get; set; }
    public ulong MemorySpreadSlab { get; set; }
    public ulong MemoryPressure { get; set; }
    public ulong SchedLoadBalance { get; set; }
    public long SchedRelaxDomainLevel { get; set; }
}

public sealed class MemoryEntry
{
    /// <summary>Bytes; "no limit" is 2^64-1 on cgroup v2 ("max"), the kernel's page-rounded LONG_MAX on v1.</summary>
    public ulong Limit { get; set; }
    public ulong Usage { get; set; }
    public ulong Max { get; set; }
    /// <summary>How many times usage hit the limit (v1 *.failcnt; v2 the "max" count of memory.events).</summary>
    public ulong Failcnt { get; set; }
}

public sealed class MemoryStats
{
    public ulong Cache { get; set; }
    public MemoryEntry Usage { get; set; } = new();
    /// <summary>Memory + swap, as cgroup v1's memsw counts it (v2 values are added up to match).</summary>
    public MemoryEntry Swap { get; set; } = new();
    public MemoryEntry Kernel { get; set; } = new();
    public MemoryEntry KernelTCP { get; set; } = new();
    /// <summary>memory.stat as it is, plus "oom" and "oom_kill" counts.</summary>
    public Dictionary<string, ulong>? Raw { get; set; }
}

public sealed class PidsStats
{
    public ulong Current { get; set; }
    /// <summary>0 when unlimited ("max"), as runc reports it.</summary>
    public ulong Limit { get; set; }
}

public sealed class BlkioEntry
{
    public ulong Major { get; set; }
    public ulong Minor { get; set; }
    public string? Op { get; set; }
    public ulong Value { get; set; }
}

public sealed class BlkioStats
{
    public List<BlkioEntry>? IoServiceBytesRecursive { get; set; }
    public List<BlkioEntry>? IoServicedRecursive { get; set; }
    public List<BlkioEntry>? IoQueuedRecursive { get; set; }
    public List<BlkioEntry>? IoServiceTimeRecursive { get; set; }
    public List<BlkioEntry>? IoWaitTimeRecursive { get; set; }
    public List<BlkioEntry>? IoMergedRecursive { get; set; }
    public List<BlkioEntry>? IoTimeRecursive { get; set; }
    public List<BlkioEntry>? SectorsRecursive { get; set; }
}

public sealed class HugetlbStats
{
    public ulong Usage { get; set; }
    public ulong Max { get; set; }
    public ulong Failcnt { get; set; }
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
