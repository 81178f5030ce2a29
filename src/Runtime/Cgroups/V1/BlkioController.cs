using MyDocker.Runtime.Cgroups.Stats;
using MyDocker.Spec;
using MyDocker.Spec.Model;

namespace MyDocker.Runtime.Cgroups.V1;

/// <summary>
/// cgroup v1 blkio controller (Documentation/admin-guide/cgroup-v1/blkio-controller.rst) for
/// config-linux.md "Block IO".
///  weight / leafWeight / weightDevice: the proportional-weight files of the I/O scheduler. CFQ has
///  blkio.weight, blkio.leaf_weight, blkio.weight_device, blkio.leaf_weight_device; BFQ has
///  blkio.bfq.weight and blkio.bfq.weight_device (no leaf weight). Which one exists decides (runc).
///  throttle*Device → blkio.throttle.{read,write}_{bps,iops}_device, one "maj:min rate" write each.
/// </summary>
public sealed class BlkioController : ICgroupController
{
    public string Name => "blkio";

    public bool IsSet(Resources r) => BlkioFields.IsSet(r.BlockIO);

    public string Field(Resources r) => BlkioFields.First(r.BlockIO);

    public void Apply(string dir, Resources r, ApplyContext ctx)
    {
        var b = r.BlockIO;
        if (b == null) return;
        var f = ctx.Files;
        bool cfq = f.Exists(dir, "blkio.weight");
        bool bfq = !cfq && f.Exists(dir, "blkio.bfq.weight");
        string? weightFile = cfq ? "blkio.weight" : bfq ? "blkio.bfq.weight" : null;
        string? weightDeviceFile = cfq ? "blkio.weight_device" : bfq ? "blkio.bfq.weight_device" : null;

        if (b.Weight is ushort w && w != 0)
            f.Write(dir, weightFile ?? throw NoWeight("linux.resources.blockIO.weight"), Fmt.U(w), "linux.resources.blockIO.weight");
        if (b.LeafWeight is ushort lw && lw != 0)
        {
            if (!cfq) throw new MyDockerException("linux.resources.blockIO.leafWeight: only the CFQ I/O scheduler has a leaf weight (no blkio.leaf_weight here)");
            f.Write(dir, "blkio.leaf_weight", Fmt.U(lw), "linux.resources.blockIO.leafWeight");
        }
        var devices = b.WeightDevice ?? [];
        for (int i = 0; i < devices.Count; i++)
        {
            var d = devices[i];
            string field = $"linux.resources.blockIO.weightDevice[{i}]";
            if (d.Weight is ushort dw && dw != 0)
                f.Write(dir, weightDeviceFile ?? throw NoWeight(field), $"{d.Major}:{d.Minor} {dw}", field + ".weight");
            if (d.LeafWeight is ushort dl && dl != 0)
            {
                if (!cfq) throw new MyDockerException($"{field}.leafWeight: only the CFQ I/O scheduler has a leaf weight (no blkio.leaf_weight_device here)");
                f.Write(dir, "blkio.leaf_weight_device", $"{d.Major}:{d.Minor} {dl}", field + ".leafWeight");
            }
        }
        Throttle(dir, f, b.ThrottleReadBpsDevice, "blkio.throttle.read_bps_device", "throttleReadBpsDevice");
        Throttle(dir, f, b.ThrottleWriteBpsDevice, "blkio.throttle.write_bps_device", "throttleWriteBpsDevice");
        Throttle(dir, f, b.ThrottleReadIOPSDevice, "blkio.throttle.read_iops_device", "throttleReadIOPSDevice");
        Throttle(dir, f, b.ThrottleWriteIOPSDevice, "blkio.throttle.write_iops_device", "throttleWriteIOPSDevice");
    }

    private static MyDockerException NoWeight(string field) =>
        new($"{field}: the host's I/O scheduler has no proportional weight (neither blkio.weight (CFQ) nor blkio.bfq.weight (BFQ) exists)");

    /// <summary>One write per device; a rate of 0 removes that device's limit (blkio-controller.rst).</summary>
    private static void Throttle(string dir, CgroupFiles f, List<ThrottleDevice>? list, string file, string name)
    {
        if (list == null) return;
        for (int i = 0; i < list.Count; i++)
            f.Write(dir, file, $"{list[i].Major}:{list[i].Minor} {list[i].Rate}", $"linux.resources.blockIO.{name}[{i}]");
    }

    /// <summary>
    /// runc's choice of stat files: CFQ's blkio.io_*_recursive when the scheduler is CFQ, else BFQ's
    /// blkio.bfq.io_*_recursive, else the throttle layer's counters (which every kernel has).
    /// </summary>
    public void Stats(string dir, CgroupStats stats, CgroupFiles files)
    {
        var s = stats.Blkio;
        List<BlkioEntry>? R(string file) => StatParse.BlkioLines(files.Read(dir, file));
        if (files.Exists(dir, "blkio.io_serviced_recursive"))
        {
            s.IoServiceBytesRecursive = R("blkio.io_service_bytes_recursive");
            s.IoServicedRecursive = R("blkio.io_serviced_recursive");
            s.IoQueuedRecursive = R("blkio.io_queued_recursive");
            s.IoServiceTimeRecursive = R("blkio.io_service_time_recursive");
            s.IoWaitTimeRecursive = R("blkio.io_wait_time_recursive");
            s.IoMergedRecursive = R("blkio.io_merged_recursive");
            s.IoTimeRecursive = R("blkio.time_recursive");
            s.SectorsRecursive = R("blkio.sectors_recursive");
        }
        else if (files.Exists(dir, "blkio.bfq.io_serviced_recursive"))
        {
            s.IoServiceBytesRecursive = R("blkio.bfq.io_service_bytes_recursive");
            s.IoServicedRecursive = R("blkio.bfq.io_serviced_recursive");
        }
        else
        {
            s.IoServiceBytesRecursive = R("blkio.throttle.io_service_bytes_recursive") ?? R("blkio.throttle.io_service_bytes");
            s.IoServicedRecursive = R("blkio.throttle.io_serviced_recursive") ?? R("blkio.throttle.io_serviced");
        }
    }
}

/// <summary>Which Block IO fields are set (v1 blkio and v2 io alike).</summary>
public static class BlkioFields
{
    public static bool IsSet(BlockIO? b) => b != null && (b.Weight is not (null or 0) || b.LeafWeight is not (null or 0) ||
        b.WeightDevice is { Count: > 0 } || b.ThrottleReadBpsDevice is { Count: > 0 } || b.ThrottleWriteBpsDevice is { Count: > 0 } ||
        b.ThrottleReadIOPSDevice is { Count: > 0 } || b.ThrottleWriteIOPSDevice is { Count: > 0 });

    public static string First(BlockIO? b) =>
        b?.Weight is not (null or 0) ? "linux.resources.blockIO.weight"
        : b?.LeafWeight is not (null or 0) ? "linux.resources.blockIO.leafWeight"
        : b?.WeightDevice is { Count: > 0 } ? "linux.resources.blockIO.weightDevice"
        : b?.ThrottleReadBpsDevice is { Count: > 0 } ? "linux.resources.blockIO.throttleReadBpsDevice"
        : b?.ThrottleWriteBpsDevice is { Count: > 0 } ? "linux.resources.blockIO.throttleWriteBpsDevice"
        : b?.ThrottleReadIOPSDevice is { Count: > 0 } ? "linux.resources.blockIO.throttleReadIOPSDevice"
        : "linux.resources.blockIO.throttleWriteIOPSDevice";
}
