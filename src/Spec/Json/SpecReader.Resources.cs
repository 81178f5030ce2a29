using MyDocker.Spec.Model;
using static MyDocker.Spec.Json.JsonKinds;

namespace MyDocker.Spec.Json;

// config-linux.md "Control groups": linux.resources (also what `update --resources` reads).
internal static partial class SpecReader
{
    public static readonly JsonKind<Resources> ResourcesKind = Object(ReadResources);
    private static readonly JsonKind<DeviceCgroupRule> DeviceCgroupRuleKind = Object(ReadDeviceCgroupRule);
    private static readonly JsonKind<Memory> MemoryKind = Object(ReadMemory);
    private static readonly JsonKind<Cpu> CpuKind = Object(ReadCpu);
    private static readonly JsonKind<Pids> PidsKind = Object(ReadPids);
    private static readonly JsonKind<BlockIO> BlockIOKind = Object(ReadBlockIO);
    private static readonly JsonKind<WeightDevice> WeightDeviceKind = Object(ReadWeightDevice);
    private static readonly JsonKind<ThrottleDevice> ThrottleDeviceKind = Object(ReadThrottleDevice);
    private static readonly JsonKind<HugepageLimit> HugepageLimitKind = Object(ReadHugepageLimit);
    private static readonly JsonKind<Network> NetworkKind = Object(ReadNetwork);
    private static readonly JsonKind<InterfacePriority> InterfacePriorityKind = Object(ReadInterfacePriority);
    private static readonly JsonKind<Rdma> RdmaKind = Object(ReadRdma);

    private static Resources ReadResources(JsonObjectReader o) => new()
    {
        Devices = o.List("devices", DeviceCgroupRuleKind),
        Memory = o.Optional("memory", MemoryKind),
        Cpu = o.Optional("cpu", CpuKind),
        Pids = o.Optional("pids", PidsKind),
        BlockIO = o.Optional("blockIO", BlockIOKind),
        HugepageLimits = o.List("hugepageLimits", HugepageLimitKind),
        Network = o.Optional("network", NetworkKind),
        Rdma = o.Map("rdma", RdmaKind),
        Unified = o.Map("unified", Text),
    };

    private static DeviceCgroupRule ReadDeviceCgroupRule(JsonObjectReader o) => new()
    {
        Allow = o.Required("allow", Bool),
        Type = o.Optional("type", Text),
        Major = o.Nullable("major", I64),
        Minor = o.Nullable("minor", I64),
        Access = o.Optional("access", Text),
    };

    private static Memory ReadMemory(JsonObjectReader o) => new()
    {
        Limit = o.Nullable("limit", I64),
        Reservation = o.Nullable("reservation", I64),
        Swap = o.Nullable("swap", I64),
        Kernel = o.Nullable("kernel", I64),
        KernelTCP = o.Nullable("kernelTCP", I64),
        Swappiness = o.Nullable("swappiness", U64),
        DisableOOMKiller = o.Nullable("disableOOMKiller", Bool),
        UseHierarchy = o.Nullable("useHierarchy", Bool),
        CheckBeforeUpdate = o.Nullable("checkBeforeUpdate", Bool),
    };

    private static Cpu ReadCpu(JsonObjectReader o) => new()
    {
        Shares = o.Nullable("shares", U64),
        Quota = o.Nullable("quota", I64),
        Burst = o.Nullable("burst", I64),
        Period = o.Nullable("period", U64),
        RealtimeRuntime = o.Nullable("realtimeRuntime", I64),
        RealtimePeriod = o.Nullable("realtimePeriod", U64),
        Cpus = o.Optional("cpus", Text),
        Mems = o.Optional("mems", Text),
        Idle = o.Nullable("idle", I64),
    };

    private static Pids ReadPids(JsonObjectReader o) => new()
    {
        Limit = o.Nullable("limit", I64),
    };

    private static BlockIO ReadBlockIO(JsonObjectReader o) => new()
    {
        Weight = o.Nullable("weight", U16),
        LeafWeight = o.Nullable("leafWeight", U16),
        WeightDevice = o.List("weightDevice", WeightDeviceKind),
        ThrottleReadBpsDevice = o.List("throttleReadBpsDevice", ThrottleDeviceKind),
        ThrottleWriteBpsDevice = o.List("throttleWriteBpsDevice", ThrottleDeviceKind),
        ThrottleReadIOPSDevice = o.List("throttleReadIOPSDevice", ThrottleDeviceKind),
        ThrottleWriteIOPSDevice = o.List("throttleWriteIOPSDevice", ThrottleDeviceKind),
    };

    private static WeightDevice ReadWeightDevice(JsonObjectReader o) => new()
    {
        Major = o.Required("major", I64),
        Minor = o.Required("minor", I64),
        Weight = o.Nullable("weight", U16),
        LeafWeight = o.Nullable("leafWeight", U16),
    };

    private static ThrottleDevice ReadThrottleDevice(JsonObjectReader o) => new()
    {
        Major = o.Required("major", I64),
        Minor = o.Required("minor", I64),
        Rate = o.Value("rate", U64, 0UL),
    };

    private static HugepageLimit ReadHugepageLimit(JsonObjectReader o) => new()
    {
        PageSize = o.Required("pageSize", Text),
        Limit = o.Required("limit", U64),
    };

    private static Network ReadNetwork(JsonObjectReader o) => new()
    {
        ClassID = o.Nullable("classID", U32),
        Priorities = o.List("priorities", InterfacePriorityKind),
    };

    private static InterfacePriority ReadInterfacePriority(JsonObjectReader o) => new()
    {
        Name = o.Required("name", Text),
        Priority = o.Required("priority", U32),
    };

    private static Rdma ReadRdma(JsonObjectReader o) => new()
    {
        HcaHandles = o.Nullable("hcaHandles", U32),
        HcaObjects = o.Nullable("hcaObjects", U32),
    };
}
