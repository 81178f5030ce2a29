using MyDocker.Runtime.Cgroups.Stats;
using MyDocker.Spec.Model;

namespace MyDocker.Runtime.Cgroups.V1;

/// <summary>
/// cgroup v1 cpuacct controller (Documentation/admin-guide/cgroup-v1/cpuacct.rst): no settings,
/// only the CPU usage stats: cpuacct.usage (ns), cpuacct.usage_percpu, and the user/system split
/// (cpuacct.usage_user/_sys in ns where the kernel has them, else cpuacct.stat in USER_HZ ticks).
/// </summary>
public sealed class CpuacctController : ICgroupController
{
    /// <summary>USER_HZ: the unit of cpuacct.stat, 100 on every Linux architecture's user ABI.</summary>
    private const ulong UserHz = 100;

    public string Name => "cpuacct";

    public bool IsSet(Resources r) => false;

    public string Field(Resources r) => "linux.resources.cpu";

    public void Apply(string dir, Resources r, ApplyContext ctx) { }

    public void Stats(string dir, CgroupStats stats, CgroupFiles files)
    {
        var u = stats.Cpu.Usage;
        u.Total = StatParse.Uint(files.Read(dir, "cpuacct.usage")) ?? 0;
        u.Percpu = StatParse.Numbers(files.Read(dir, "cpuacct.usage_percpu"));
        u.PercpuKernel = StatParse.Numbers(files.Read(dir, "cpuacct.usage_percpu_sys"));
        u.PercpuUser = StatParse.Numbers(files.Read(dir, "cpuacct.usage_percpu_user"));
        if (StatParse.Uint(files.Read(dir, "cpuacct.usage_user")) is ulong user &&
            StatParse.Uint(files.Read(dir, "cpuacct.usage_sys")) is ulong sys)
        {
            u.User = user;
            u.Kernel = sys;
            return;
        }
        var st = StatParse.KeyValues(files.Read(dir, "cpuacct.stat"));
        u.User = st.GetValueOrDefault("user") * (1_000_000_000 / UserHz);
        u.Kernel = st.GetValueOrDefault("system") * (1_000_000_000 / UserHz);
    }
}
