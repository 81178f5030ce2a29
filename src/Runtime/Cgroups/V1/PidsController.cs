using MyDocker.Runtime.Cgroups.Stats;
using MyDocker.Spec.Model;

namespace MyDocker.Runtime.Cgroups.V1;

/// <summary>
/// cgroup v1 pids controller (Documentation/admin-guide/cgroup-v1/pids.rst) for config-linux.md
/// "PIDs": limit → pids.max; a limit of 0 or less is "max" (no limit), as runc writes it.
/// The v2 controller has the same files (<see cref="V2.PidsController"/> reuses this logic).
/// </summary>
public sealed class PidsController : ICgroupController
{
    public string Name => "pids";

    public bool IsSet(Resources r) => r.Pids?.Limit != null;

    public string Field(Resources r) => "linux.resources.pids.limit";

    public void Apply(string dir, Resources r, ApplyContext ctx) => Write(dir, r, ctx);

    public void Stats(string dir, CgroupStats stats, CgroupFiles files) => Read(dir, stats, files);

    internal static void Write(string dir, Resources r, ApplyContext ctx)
    {
        if (r.Pids?.Limit is not long limit) return;
        ctx.Files.Write(dir, "pids.max", limit > 0 ? Fmt.I(limit) : "max", "linux.resources.pids.limit");
    }

    internal static void Read(string dir, CgroupStats stats, CgroupFiles files)
    {
        stats.Pids.Current = StatParse.Uint(files.Read(dir, "pids.current")) ?? 0;
        ulong max = StatParse.Uint(files.Read(dir, "pids.max")) ?? 0;
        stats.Pids.Limit = max == ulong.MaxValue ? 0 : max; // runc reports "max" as 0
    }
}
