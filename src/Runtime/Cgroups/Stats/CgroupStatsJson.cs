using System.Buffers;
using System.Text;
using System.Text.Json;

namespace MyDocker.Runtime.Cgroups.Stats;

/// <summary>
/// One `events` line (a <see cref="CgroupEvent"/>) in runc's JSON shape (runc types/events.go), written by
/// hand with Utf8JsonWriter: no serializer metadata at start-up. Go's `omitempty` is followed field by
/// field: `Zero` marks a number left out when 0, `Some` a list left out when null; nested objects are
/// always written (Go ignores omitempty on structs); network_interfaces is written even when null.
/// </summary>
public static class CgroupStatsJson
{
    public static string Write(CgroupEvent ev)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("type", ev.Type);
            w.WriteString("id", ev.Id);
            if (ev.Data != null)
            {
                w.WritePropertyName("data");
                Stats(w, ev.Data);
            }
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void Stats(Utf8JsonWriter w, CgroupStats s)
    {
        w.WriteStartObject();

        w.WriteStartObject("cpu");
        w.WriteStartObject("usage");
        var u = s.Cpu.Usage;
        Zero(w, "total", u.Total);
        Some(w, "percpu", u.Percpu);
        Some(w, "percpu_kernel", u.PercpuKernel);
        Some(w, "percpu_user", u.PercpuUser);
        w.WriteNumber("kernel", u.Kernel);
        w.WriteNumber("user", u.User);
        w.WriteEndObject();
        w.WriteStartObject("throttling");
        var t = s.Cpu.Throttling;
        Zero(w, "periods", t.Periods);
        Zero(w, "throttledPeriods", t.ThrottledPeriods);
        Zero(w, "throttledTime", t.ThrottledTime);
        w.WriteEndObject();
        w.WriteEndObject();

        w.WriteStartObject("cpuset");
        var c = s.CpuSet;
        Some(w, "cpus", c.Cpus);
        w.WriteNumber("cpu_exclusive", c.CpuExclusive);
        Some(w, "mems", c.Mems);
        w.WriteNumber("mem_hardwall", c.MemHardwall);
        w.WriteNumber("mem_exclusive", c.MemExclusive);
        w.WriteNumber("memory_migrate", c.MemoryMigrate);
        w.WriteNumber("memory_spread_page", c.MemorySpreadPage);
        w.WriteNumber("memory_spread_slab", c.MemorySpreadSlab);
        w.WriteNumber("memory_pressure", c.MemoryPressure);
        w.WriteNumber("sched_load_balance", c.SchedLoadBalance);
        w.WriteNumber("sched_relax_domain_level", c.SchedRelaxDomainLevel);
        w.WriteEndObject();

        w.WriteStartObject("memory");
        var m = s.Memory;
        Zero(w, "cache", m.Cache);
        Memory(w, "usage", m.Usage);
        Memory(w, "swap", m.Swap);
        Memory(w, "kernel", m.Kernel);
        Memory(w, "kernelTCP", m.KernelTCP);
        if (m.Raw != null)
        {
            w.WriteStartObject("raw");
            foreach (var (key, value) in m.Raw) w.WriteNumber(key, value);
            w.WriteEndObject();
        }
        w.WriteEndObject();

        w.WriteStartObject("pids");
        Zero(w, "current", s.Pids.Current);
        Zero(w, "limit", s.Pids.Limit);
        w.WriteEndObject();

        w.WriteStartObject("blkio");
        var b = s.Blkio;
        Blkio(w, "ioServiceBytesRecursive", b.IoServiceBytesRecursive);
        Blkio(w, "ioServicedRecursive", b.IoServicedRecursive);
        Blkio(w, "ioQueueRecursive", b.IoQueuedRecursive);
        Blkio(w, "ioServiceTimeRecursive", b.IoServiceTimeRecursive);
        Blkio(w, "ioWaitTimeRecursive", b.IoWaitTimeRecursive);
        Blkio(w, "ioMergedRecursive", b.IoMergedRecursive);
        Blkio(w, "ioTimeRecursive", b.IoTimeRecursive);
        Blkio(w, "sectorsRecursive", b.SectorsRecursive);
        w.WriteEndObject();

        w.WriteStartObject("hugetlb");
        foreach (var (size, h) in s.Hugetlb)
        {
            w.WriteStartObject(size);
            Zero(w, "usage", h.Usage);
            Zero(w, "max", h.Max);
            w.WriteNumber("failcnt", h.Failcnt);
            w.WriteEndObject();
        }
        w.WriteEndObject();

        w.WriteStartObject("intel_rdt");
        w.WriteEndObject();

        if (s.NetworkInterfaces == null) w.WriteNull("network_interfaces");
        else
        {
            // runc's NetworkInterface has no JSON tags: Go writes the field names as they are.
            w.WriteStartArray("network_interfaces");
            foreach (var n in s.NetworkInterfaces)
            {
                w.WriteStartObject();
                w.WriteString("Name", n.Name);
                w.WriteNumber("RxBytes", n.RxBytes);
                w.WriteNumber("RxPackets", n.RxPackets);
                w.WriteNumber("RxErrors", n.RxErrors);
                w.WriteNumber("RxDropped", n.RxDropped);
                w.WriteNumber("TxBytes", n.TxBytes);
                w.WriteNumber("TxPackets", n.TxPackets);
                w.WriteNumber("TxErrors", n.TxErrors);
                w.WriteNumber("TxDropped", n.TxDropped);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }

        w.WriteEndObject();
    }

    private static void Memory(Utf8JsonWriter w, string name, MemoryEntry e)
    {
        w.WriteStartObject(name);
        w.WriteNumber("limit", e.Limit);
        Zero(w, "usage", e.Usage);
        Zero(w, "max", e.Max);
        w.WriteNumber("failcnt", e.Failcnt);
        w.WriteEndObject();
    }

    private static void Blkio(Utf8JsonWriter w, string name, List<BlkioEntry>? entries)
    {
        if (entries == null) return;
        w.WriteStartArray(name);
        foreach (var e in entries)
        {
            w.WriteStartObject();
            Zero(w, "major", e.Major);
            Zero(w, "minor", e.Minor);
            if (e.Op != null) w.WriteString("op", e.Op);
            Zero(w, "value", e.Value);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    /// <summary>A number Go's omitempty leaves out when it is 0.</summary>
    private static void Zero(Utf8JsonWriter w, string name, ulong value)
    {
        if (value != 0) w.WriteNumber(name, value);
    }

    /// <summary>A list left out when null (an empty list is written as []).</summary>
    private static void Some(Utf8JsonWriter w, string name, List<ulong>? items)
    {
        if (items == null) return;
        w.WriteStartArray(name);
        foreach (ulong v in items) w.WriteNumberValue(v);
        w.WriteEndArray();
    }

    private static void Some(Utf8JsonWriter w, string name, List<ushort>? items)
    {
        if (items == null) return;
        w.WriteStartArray(name);
        foreach (ushort v in items) w.WriteNumberValue(v);
        w.WriteEndArray();
    }
}
