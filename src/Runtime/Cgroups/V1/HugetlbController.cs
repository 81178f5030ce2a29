using MyDocker.Runtime.Cgroups.Stats;
using MyDocker.Spec;
using MyDocker.Spec.Model;

namespace MyDocker.Runtime.Cgroups.V1;

/// <summary>
/// cgroup v1 hugetlb controller (Documentation/admin-guide/cgroup-v1/hugetlb.rst) for config-linux.md
/// "Huge page limits": each {pageSize, limit} → hugetlb.&lt;pageSize&gt;.limit_in_bytes, and the
/// reservation limit hugetlb.&lt;pageSize&gt;.rsvd.limit_in_bytes too where the kernel has it (5.7+,
/// as runc does, so reserved-but-unfaulted pages count against the same limit).
/// Page sizes are the kernel's names: "2MB", "1GB", "64KB".
/// </summary>
public sealed class HugetlbController : ICgroupController
{
    public string Name => "hugetlb";

    public bool IsSet(Resources r) => r.HugepageLimits is { Count: > 0 };

    public string Field(Resources r) => "linux.resources.hugepageLimits";

    public void Apply(string dir, Resources r, ApplyContext ctx) =>
        HugetlbFiles.Write(dir, r, ctx.Files, ".limit_in_bytes", ".rsvd.limit_in_bytes");

    public void Stats(string dir, CgroupStats stats, CgroupFiles files)
    {
        foreach (string size in HugetlbFiles.Sizes(dir, files, ".limit_in_bytes"))
        {
            stats.Hugetlb[size] = new HugetlbStats
            {
                Usage = StatParse.Uint(files.Read(dir, $"hugetlb.{size}.usage_in_bytes")) ?? 0,
                Max = StatParse.Uint(files.Read(dir, $"hugetlb.{size}.max_usage_in_bytes")) ?? 0,
                Failcnt = StatParse.Uint(files.Read(dir, $"hugetlb.{size}.failcnt")) ?? 0,
            };
        }
    }
}

/// <summary>What v1 and v2 hugetlb share: the page sizes the kernel offers, and the writes.</summary>
public static class HugetlbFiles
{
    /// <summary>The page sizes in the directory: hugetlb.&lt;size&gt;&lt;suffix&gt; files, without the .rsvd ones.</summary>
    public static List<string> Sizes(string dir, CgroupFiles f, string suffix) =>
        f.FileNames(dir, "hugetlb.*" + suffix)
         .Select(n => n["hugetlb.".Length..^suffix.Length])
         .Where(s => !s.Contains('.'))
         .ToList();

    public static void Write(string dir, Resources r, CgroupFiles f, string suffix, string rsvdSuffix)
    {
        var list = r.HugepageLimits ?? [];
        for (int i = 0; i < list.Count; i++)
        {
            var h = list[i];
            string field = $"linux.resources.hugepageLimits[{i}]";
            if (h.PageSize.Length == 0 || h.PageSize.Contains('/') || h.PageSize.Contains('.') || !f.Exists(dir, $"hugetlb.{h.PageSize}{suffix}"))
            {
                var have = Sizes(dir, f, suffix);
                throw new MyDockerException($"{field}.pageSize: \"{h.PageSize}\" is not a huge page size of this host (it has: {(have.Count == 0 ? "none" : string.Join(", ", have))})");
            }
            f.Write(dir, $"hugetlb.{h.PageSize}{suffix}", Fmt.U(h.Limit), field + ".limit");
            if (f.Exists(dir, $"hugetlb.{h.PageSize}{rsvdSuffix}"))
                f.Write(dir, $"hugetlb.{h.PageSize}{rsvdSuffix}", Fmt.U(h.Limit), field + ".limit");
        }
    }
}
