using MyDocker.Runtime.Cgroups.Stats;
using MyDocker.Runtime.Cgroups.V1;
using MyDocker.Spec.Model;

namespace MyDocker.Runtime.Cgroups.V2;

/// <summary>
/// cgroup v2 hugetlb controller (cgroup-v2.rst "HugeTLB") for config-linux.md "Huge page limits":
/// {pageSize, limit} → hugetlb.&lt;pageSize&gt;.max, and hugetlb.&lt;pageSize&gt;.rsvd.max where present (runc).
/// Stats: hugetlb.&lt;size&gt;.current, and the "max" count of hugetlb.&lt;size&gt;.events as failcnt.
/// </summary>
public sealed class HugetlbController : ICgroupController
{
    public string Name => "hugetlb";

    public bool IsSet(Resources r) => r.HugepageLimits is { Count: > 0 };

    public string Field(Resources r) => "linux.resources.hugepageLimits";

    public void Apply(string dir, Resources r, ApplyContext ctx) =>
        HugetlbFiles.Write(dir, r, ctx.Files, ".max", ".rsvd.max");

    public void Stats(string dir, CgroupStats stats, CgroupFiles files)
    {
        foreach (string size in HugetlbFiles.Sizes(dir, files, ".max"))
        {
            stats.Hugetlb[size] = new HugetlbStats
            {
                Usage = StatParse.Uint(files.Read(dir, $"hugetlb.{size}.current")) ?? 0,
                Failcnt = StatParse.KeyValues(files.Read(dir, $"hugetlb.{size}.events")).GetValueOrDefault("max"),
            };
        }
    }
}
