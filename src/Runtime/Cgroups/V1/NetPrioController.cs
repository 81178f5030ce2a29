using MyDocker.Runtime.Cgroups.Stats;
using MyDocker.Spec.Model;

namespace MyDocker.Runtime.Cgroups.V1;

/// <summary>
/// cgroup v1 net_prio controller (Documentation/admin-guide/cgroup-v1/net_prio.rst) for config-linux.md
/// "Network": each priorities[] entry → one "ifname prio" write to net_prio.ifpriomap.
/// cgroup v2 has no equivalent.
/// </summary>
public sealed class NetPrioController : ICgroupController
{
    public string Name => "net_prio";

    public bool IsSet(Resources r) => r.Network?.Priorities is { Count: > 0 };

    public string Field(Resources r) => "linux.resources.network.priorities";

    public void Apply(string dir, Resources r, ApplyContext ctx)
    {
        var list = r.Network?.Priorities ?? [];
        for (int i = 0; i < list.Count; i++)
            ctx.Files.Write(dir, "net_prio.ifpriomap", $"{list[i].Name} {list[i].Priority}", $"linux.resources.network.priorities[{i}]");
    }

    public void Stats(string dir, CgroupStats stats, CgroupFiles files) { }
}
