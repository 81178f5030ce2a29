namespace MyDocker.Runtime.State;

/// <summary>
/// What MyDocker remembers about one container, in &lt;root&gt;/&lt;id&gt;/state.json (see <see cref="ContainerRecordJson"/>).
/// The spec's state (runtime.md "State") is derived from it: the status is never stored, it is
/// probed each time from the process (see ContainerStatus), like runc does.
/// </summary>
public sealed class ContainerRecord
{
    public string Id { get; set; } = "";
    public string Bundle { get; set; } = "";
    public string Rootfs { get; set; } = "";
    /// <summary>Pid of the container's init process in the runtime's pid namespace (0 before it exists).</summary>
    public int Pid { get; set; }
    /// <summary>Field 22 of /proc/PID/stat: tells our init from a later process that reuses its pid.</summary>
    public ulong PidStartTime { get; set; }
    public DateTime Created { get; set; }
    public uint Owner { get; set; }
    public Dictionary<string, string>? Annotations { get; set; }
    /// <summary>The config has poststart / poststop hooks: only then do start and delete read the saved config.</summary>
    public bool HasPoststartHooks { get; set; }
    public bool HasPoststopHooks { get; set; }
    /// <summary>The container's cgroup directories (one per hierarchy) and those create made (for delete).</summary>
    public string[]? CgroupPaths { get; set; }
    public string[]? CgroupCreatedPaths { get; set; }
    /// <summary>No mount namespace of its own: its mounts live in the host's and delete must unmount them.</summary>
    public bool MountsInHostNamespace { get; set; }
    /// <summary>
    /// With <see cref="MountsInHostNamespace"/>: the mounts that were already at or under the rootfs
    /// before init ran (<see cref="Rootfs.HostNamespaceMounts.Key"/>), recorded before init exists.
    /// delete unmounts only the others: those the container made.
    /// </summary>
    public string[]? HostMountsBefore { get; set; }
    /// <summary>False when config.json has no "process": such a container can be created, never started.</summary>
    public bool HasProcess { get; set; } = true;
}

/// <summary>One row of `mydocker list`; as JSON (runc's shape) see <see cref="ContainerListJson"/>.</summary>
public sealed class ContainerListEntry
{
    public string OciVersion { get; set; } = "";
    public string Id { get; set; } = "";
    public int Pid { get; set; }
    public string Status { get; set; } = "";
    public string Bundle { get; set; } = "";
    public string Rootfs { get; set; } = "";
    public DateTime Created { get; set; }
    public string Owner { get; set; } = "";
    public Dictionary<string, string>? Annotations { get; set; }
}
