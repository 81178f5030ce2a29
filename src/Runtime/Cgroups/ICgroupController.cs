using System.Globalization;
using MyDocker.Runtime.Cgroups.Stats;
using MyDocker.Spec.Model;

namespace MyDocker.Runtime.Cgroups;

/// <summary>
/// One controller of one cgroup version: which linux.resources fields it serves (config-linux.md
/// "Control groups"), how they become interface-file writes, and what it adds to the stats.
/// V1/* and V2/* hold one class per controller; CgroupManager decides which one serves a field on
/// this host (a v1 hierarchy, the v2 hierarchy, or none: then an error naming the field).
/// </summary>
public interface ICgroupController
{
    /// <summary>The kernel's name of the controller: "memory", "cpu", "io", ...</summary>
    string Name { get; }

    /// <summary>True when <paramref name="r"/> sets anything this controller serves.</summary>
    bool IsSet(Resources r);

    /// <summary>The first field of <paramref name="r"/> it would serve, for "not available" errors ("linux.resources.pids.limit").</summary>
    string Field(Resources r);

    /// <summary>Writes every field of <paramref name="r"/> it serves into the cgroup directory.</summary>
    void Apply(string dir, Resources r, ApplyContext ctx);

    /// <summary>Adds what its files say to <paramref name="stats"/>; missing files leave fields at zero.</summary>
    void Stats(string dir, CgroupStats stats, CgroupFiles files);
}

/// <summary>What an Apply needs besides the directory and the resources.</summary>
public sealed class ApplyContext
{
    public required CgroupFiles Files { get; init; }
    public required Action<string> Warn { get; init; }
    /// <summary>`mydocker update`: only the given fields change; memory.checkBeforeUpdate applies.</summary>
    public bool IsUpdate { get; init; }
    /// <summary>Create: memory.limit and memory.swap are left for ICgroupManager.ApplyMemoryLimits, once init is in.</summary>
    public bool DeferMemoryLimits { get; init; }
    /// <summary>linux (for linux.devices, whose nodes the device controller must allow).</summary>
    public Linux? Linux { get; init; }
}

/// <summary>Number formatting for cgroup files: invariant, no separators.</summary>
internal static class Fmt
{
    public static string I(long v) => v.ToString(CultureInfo.InvariantCulture);
    public static string U(ulong v) => v.ToString(CultureInfo.InvariantCulture);
}
