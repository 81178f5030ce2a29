using MyDocker.Runtime.Cgroups.Stats;
using MyDocker.Spec.Model;

namespace MyDocker.Runtime.Cgroups.V1;

/// <summary>
/// cgroup v1 cpuset controller (Documentation/admin-guide/cgroup-v1/cpusets.rst) for config-linux.md
/// "CPU" cpus → cpuset.cpus and mems → cpuset.mems.
/// A new v1 cpuset starts with empty cpus and mems, and a task cannot join it then (ENOSPC):
/// <see cref="Inherit"/> copies the parent's values into every directory we create, as runc does.
/// </summary>
public sealed class CpusetController : ICgroupController
{
    public string Name => "cpuset";

    public bool IsSet(Resources r) => CpuFields.IsSetForCpuset(r.Cpu);

    public string Field(Resources r) => CpuFields.FirstForCpuset(r.Cpu);

    public void Apply(string dir, Resources r, ApplyContext ctx)
    {
        if (!string.IsNullOrEmpty(r.Cpu?.Cpus))
            ctx.Files.Write(dir, "cpuset.cpus", r.Cpu.Cpus, "linux.resources.cpu.cpus");
        if (!string.IsNullOrEmpty(r.Cpu?.Mems))
            ctx.Files.Write(dir, "cpuset.mems", r.Cpu.Mems, "linux.resources.cpu.mems");
    }

    /// <summary>Fills an empty cpuset.cpus / cpuset.mems of <paramref name="dir"/> from its parent.</summary>
    public static void Inherit(string dir, CgroupFiles f)
    {
        string parent = Path.GetDirectoryName(dir)!;
        foreach (string file in new[] { "cpuset.cpus", "cpuset.mems" })
        {
            if (!string.IsNullOrWhiteSpace(f.Read(dir, file))) continue;
            string? value = f.Read(parent, file)?.Trim();
            if (string.IsNullOrEmpty(value)) continue;
            f.Write(dir, file, value, $"linux.cgroupsPath: {dir}");
        }
    }

    public void Stats(string dir, CgroupStats stats, CgroupFiles files)
    {
        var s = stats.CpuSet;
        s.Cpus = StatParse.IdList(files.Read(dir, "cpuset.cpus"));
        s.Mems = StatParse.IdList(files.Read(dir, "cpuset.mems"));
        ulong U(string file) => StatParse.Uint(files.Read(dir, file)) ?? 0;
        s.CpuExclusive = U("cpuset.cpu_exclusive");
        s.MemHardwall = U("cpuset.mem_hardwall");
        s.MemExclusive = U("cpuset.mem_exclusive");
        s.MemoryMigrate = U("cpuset.memory_migrate");
        s.MemorySpreadPage = U("cpuset.memory_spread_page");
        s.MemorySpreadSlab = U("cpuset.memory_spread_slab");
        s.MemoryPressure = U("cpuset.memory_pressure");
        s.SchedLoadBalance = U("cpuset.sched_load_balance");
        s.SchedRelaxDomainLevel = long.TryParse(files.Read(dir, "cpuset.sched_relax_domain_level")?.Trim(), out long lvl) ? lvl : 0;
    }
}
