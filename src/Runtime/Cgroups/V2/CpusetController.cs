using MyDocker.Runtime.Cgroups.Stats;
using MyDocker.Runtime.Cgroups.V1;
using MyDocker.Spec.Model;

namespace MyDocker.Runtime.Cgroups.V2;

/// <summary>
/// cgroup v2 cpuset controller (cgroup-v2.rst "Cpuset") for config-linux.md "CPU" cpus → cpuset.cpus,
/// mems → cpuset.mems. Unlike v1, an empty v2 cpuset means "the parent's", so nothing is copied.
/// Stats report the effective sets (cpuset.cpus.effective / mems.effective).
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

    public void Stats(string dir, CgroupStats stats, CgroupFiles files)
    {
        stats.CpuSet.Cpus = StatParse.IdList(files.Read(dir, "cpuset.cpus.effective"));
        stats.CpuSet.Mems = StatParse.IdList(files.Read(dir, "cpuset.mems.effective"));
    }
}
