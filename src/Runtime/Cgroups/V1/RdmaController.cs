using MyDocker.Runtime.Cgroups.Stats;
using MyDocker.Spec.Model;

namespace MyDocker.Runtime.Cgroups.V1;

/// <summary>
/// The rdma controller (Documentation/admin-guide/cgroup-v1/rdma.rst; cgroup-v2.rst "RDMA", same file
/// format) for config-linux.md "RDMA": each device → one "dev hca_handle=N hca_object=M" write to
/// rdma.max (an unset limit is left out of the line, so it keeps its value). Used for both versions.
/// </summary>
public sealed class RdmaController : ICgroupController
{
    public string Name => "rdma";

    public bool IsSet(Resources r) => r.Rdma is { Count: > 0 };

    public string Field(Resources r) => "linux.resources.rdma";

    public void Apply(string dir, Resources r, ApplyContext ctx)
    {
        foreach (var (device, limits) in (r.Rdma ?? []).OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            string line = device;
            if (limits.HcaHandles is uint h) line += $" hca_handle={h}";
            if (limits.HcaObjects is uint o) line += $" hca_object={o}";
            if (line == device) continue; // nothing to set for it
            ctx.Files.Write(dir, "rdma.max", line, $"linux.resources.rdma.{device}");
        }
    }

    public void Stats(string dir, CgroupStats stats, CgroupFiles files) { }
}
