using MyDocker.Runtime.Cgroups.Stats;
using MyDocker.Spec.Model;

namespace MyDocker.Runtime.Cgroups.V1;

/// <summary>
/// cgroup v1 net_cls controller (Documentation/admin-guide/cgroup-v1/net_cls.rst) for config-linux.md
/// "Network": classID → net_cls.classid (the 0xAAAABBBB handle, written in decimal). cgroup v2 has no
/// equivalent, so on a unified host the field is an error.
/// </summary>
public sealed class NetClsController : ICgroupController
{
    public string Name => "net_cls";

    public bool IsSet(Resources r) => r.Network?.ClassID != null;

    public string Field(Resources r) => "linux.resources.network.classID";

    public void Apply(string dir, Resources r, ApplyContext ctx)
    {
        if (r.Network?.ClassID is uint id)
            ctx.Files.Write(dir, "net_cls.classid", Fmt.U(id), "linux.resources.network.classID");
    }

    public void Stats(string dir, CgroupStats stats, CgroupFiles files) { }
}
