using MyDocker.Runtime.Cgroups.Stats;
using MyDocker.Spec.Model;

namespace MyDocker.Runtime.Cgroups.V2;

/// <summary>cgroup v2 rdma controller (cgroup-v2.rst "RDMA"): rdma.max, the same line format as v1.</summary>
public sealed class RdmaController : ICgroupController
{
    private readonly V1.RdmaController _same = new();

    public string Name => "rdma";

    public bool IsSet(Resources r) => _same.IsSet(r);

    public string Field(Resources r) => _same.Field(r);

    public void Apply(string dir, Resources r, ApplyContext ctx) => _same.Apply(dir, r, ctx);

    public void Stats(string dir, CgroupStats stats, CgroupFiles files) { }
}
