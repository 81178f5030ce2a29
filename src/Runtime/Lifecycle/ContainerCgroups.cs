using MyDocker.Runtime.Cgroups;
using MyDocker.Runtime.State;
using MyDocker.Spec;

namespace MyDocker.Runtime.Lifecycle;

/// <summary>The cgroup manager of an existing container, from the directories its record keeps.</summary>
public static class ContainerCgroups
{
    /// <summary>null for a container without cgroups (none recorded).</summary>
    public static ICgroupManager? Of(ContainerRecord record, Action<string>? warn = null) =>
        record.CgroupPaths is { Length: > 0 } paths
            ? CgroupManager.Open(record.Id, null, paths, record.CgroupCreatedPaths, warn)
            : null;

    public static ICgroupManager Require(ContainerRecord record, string verb) =>
        Of(record) ?? throw new MyDockerException($"cannot {verb} container {ContainerId.Quote(record.Id)}: it has no cgroup");
}
