using MyDocker.Runtime.Cgroups.Stats;
using MyDocker.Spec.Model;

namespace MyDocker.Runtime.Cgroups.V2;

/// <summary>
/// cgroup v2 pids controller (cgroup-v2.rst "PID"): the same pids.max / pids.current files as v1,
/// limit ≤ 0 → "max".
/// </summary>
public sealed class PidsController : ICgroupController
{
    public string Name => "pids";

    public bool IsSet(Resources r) => r.Pids?.Limit != null;

    public string Field(Resources r) => "linux.resources.pids.limit";

    public void Apply(string dir, Resources r, ApplyContext ctx) => V1.PidsController.Write(dir, r, ctx);

    public void Stats(string dir, CgroupStats stats, CgroupFiles files) => V1.PidsController.Read(dir, stats, files);
}
