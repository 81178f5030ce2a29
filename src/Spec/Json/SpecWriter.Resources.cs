using System.Text.Json;
using MyDocker.Spec.Model;

namespace MyDocker.Spec.Json;

// config-linux.md "Control groups": linux.resources and its controllers (Model/Resources.cs);
// also the whole document of `update --resources`.
internal static partial class SpecWriter
{
    internal static void Write(Utf8JsonWriter w, Resources resources)
    {
        w.WriteStartObject();
        if (resources.Devices != null) { w.WritePropertyName("devices"); Write(w, resources.Devices); }
        if (resources.Memory != null) { w.WritePropertyName("memory"); Write(w, resources.Memory); }
        if (resources.Cpu != null) { w.WritePropertyName("cpu"); Write(w, resources.Cpu); }
        if (resources.Pids != null) { w.WritePropertyName("pids"); Write(w, resources.Pids); }
        if (resources.BlockIO != null) { w.WritePropertyName("blockIO"); Write(w, resources.BlockIO); }
        if (resources.HugepageLimits != null) { w.WritePropertyName("hugepageLimits"); Write(w, resources.HugepageLimits); }
        if (resources.Network != null) { w.WritePropertyName("network"); Write(w, resources.Network); }
        if (resources.Rdma != null) { w.WritePropertyName("rdma"); Write(w, resources.Rdma); }
        Map(w, "unified", resources.Unified);
        w.WriteEndObject();
    }

    // config-linux.md "Allowed Device list"
    private static void Write(Utf8JsonWriter w, List<DeviceCgroupRule> rules)
    {
        w.WriteStartArray();
        foreach (var rule in rules)
            if (rule == null) w.WriteNullValue(); else Write(w, rule);
        w.WriteEndArray();
    }

    private static void Write(Utf8JsonWriter w, DeviceCgroupRule rule)
    {
        w.WriteStartObject();
        w.WriteBoolean("allow", rule.Allow);
        String(w, "type", rule.Type);
        Number(w, "major", rule.Major);
        Number(w, "minor", rule.Minor);
        String(w, "access", rule.Access);
        w.WriteEndObject();
    }

    // config-linux.md "Memory"
    private static void Write(Utf8JsonWriter w, Memory memory)
    {
        w.WriteStartObject();
        Number(w, "limit", memory.Limit);
        Number(w, "reservation", memory.Reservation);
        Number(w, "swap", memory.Swap);
        Number(w, "kernel", memory.Kernel);
        Number(w, "kernelTCP", memory.KernelTCP);
        Number(w, "swappiness", memory.Swappiness);
        Bool(w, "disableOOMKiller", memory.DisableOOMKiller);
        Bool(w, "useHierarchy", memory.UseHierarchy);
        Bool(w, "checkBeforeUpdate", memory.CheckBeforeUpdate);
        w.WriteEndObject();
    }

    // config-linux.md "CPU"
    private static void Write(Utf8JsonWriter w, Cpu cpu)
    {
        w.WriteStartObject();
        Number(w, "shares", cpu.Shares);
        Number(w, "quota", cpu.Quota);
        Number(w, "burst", cpu.Burst);
        Number(w, "period", cpu.Period);
        Number(w, "realtimeRuntime", cpu.RealtimeRuntime);
        Number(w, "realtimePeriod", cpu.RealtimePeriod);
        String(w, "cpus", cpu.Cpus);
        String(w, "mems", cpu.Mems);
        Number(w, "idle", cpu.Idle);
        w.WriteEndObject();
    }

    // config-linux.md "PIDs"
    private static void Write(Utf8JsonWriter w, Pids pids)
    {
        w.WriteStartObject();
        Number(w, "limit", pids.Limit);
        w.WriteEndObject();
    }

    // config-linux.md "Block IO"
    private static void Write(Utf8JsonWriter w, BlockIO blockIO)
    {
        w.WriteStartObject();
        Number(w, "weight", blockIO.Weight);
        Number(w, "leafWeight", blockIO.LeafWeight);
        if (blockIO.WeightDevice != null) { w.WritePropertyName("weightDevice"); Write(w, blockIO.WeightDevice); }
        if (blockIO.ThrottleReadBpsDevice != null) { w.WritePropertyName("throttleReadBpsDevice"); Write(w, blockIO.ThrottleReadBpsDevice); }
        if (blockIO.ThrottleWriteBpsDevice != null) { w.WritePropertyName("throttleWriteBpsDevice"); Write(w, blockIO.ThrottleWriteBpsDevice); }
        if (blockIO.ThrottleReadIOPSDevice != null) { w.WritePropertyName("throttleReadIOPSDevice"); Write(w, blockIO.ThrottleReadIOPSDevice); }
        if (blockIO.ThrottleWriteIOPSDevice != null) { w.WritePropertyName("throttleWriteIOPSDevice"); Write(w, blockIO.ThrottleWriteIOPSDevice); }
        w.WriteEndObject();
    }

    private static void Write(Utf8JsonWriter w, List<WeightDevice> devices)
    {
        w.WriteStartArray();
        foreach (var device in devices)
            if (device == null) w.WriteNullValue(); else Write(w, device);
        w.WriteEndArray();
    }

    private static void Write(Utf8JsonWriter w, WeightDevice device)
    {
        w.WriteStartObject();
        w.WriteNumber("major", device.Major);
        w.WriteNumber("minor", device.Minor);
        Number(w, "weight", device.Weight);
        Number(w, "leafWeight", device.LeafWeight);
        w.WriteEndObject();
    }

    private static void Write(Utf8JsonWriter w, List<ThrottleDevice> devices)
    {
        w.WriteStartArray();
        foreach (var device in devices)
            if (device == null) w.WriteNullValue(); else Write(w, device);
        w.WriteEndArray();
    }

    private static void Write(Utf8JsonWriter w, ThrottleDevice device)
    {
        w.WriteStartObject();
        w.WriteNumber("major", device.Major);
        w.WriteNumber("minor", device.Minor);
        w.WriteNumber("rate", device.Rate);
        w.WriteEndObject();
    }

    // config-linux.md "Huge page limits"
    private static void Write(Utf8JsonWriter w, List<HugepageLimit> limits)
    {
        w.WriteStartArray();
        foreach (var limit in limits)
            if (limit == null) w.WriteNullValue(); else Write(w, limit);
        w.WriteEndArray();
    }

    private static void Write(Utf8JsonWriter w, HugepageLimit limit)
    {
        w.WriteStartObject();
        String(w, "pageSize", limit.PageSize);
        w.WriteNumber("limit", limit.Limit);
        w.WriteEndObject();
    }

    // config-linux.md "Network"
    private static void Write(Utf8JsonWriter w, Network network)
    {
        w.WriteStartObject();
        Number(w, "classID", network.ClassID);
        if (network.Priorities != null) { w.WritePropertyName("priorities"); Write(w, network.Priorities); }
        w.WriteEndObject();
    }

    private static void Write(Utf8JsonWriter w, List<InterfacePriority> priorities)
    {
        w.WriteStartArray();
        foreach (var priority in priorities)
            if (priority == null) w.WriteNullValue(); else Write(w, priority);
        w.WriteEndArray();
    }

    private static void Write(Utf8JsonWriter w, InterfacePriority priority)
    {
        w.WriteStartObject();
        String(w, "name", priority.Name);
        w.WriteNumber("priority", priority.Priority);
        w.WriteEndObject();
    }

    // config-linux.md "RDMA": keyed by device name, in the dictionary's order
    private static void Write(Utf8JsonWriter w, Dictionary<string, Rdma> devices)
    {
        w.WriteStartObject();
        foreach (var (name, rdma) in devices)
        {
            w.WritePropertyName(name);
            if (rdma == null) w.WriteNullValue(); else Write(w, rdma);
        }
        w.WriteEndObject();
    }

    private static void Write(Utf8JsonWriter w, Rdma rdma)
    {
        w.WriteStartObject();
        Number(w, "hcaHandles", rdma.HcaHandles);
        Number(w, "hcaObjects", rdma.HcaObjects);
        w.WriteEndObject();
    }
}
