using MyDocker.Runtime.Cgroups.Stats;
using MyDocker.Spec.Model;

namespace MyDocker.Runtime.Cgroups;

/// <summary>
/// The cgroups of one container (config-linux.md "Control groups"), in every hierarchy of the host.
/// Errors are MyDockerException with one line naming the config field, e.g.
/// "linux.resources.memory.limit: writing memory.limit_in_bytes: Device or resource busy".
/// </summary>
public interface ICgroupManager
{
    /// <summary>The container's cgroup directories, one per hierarchy (v1 ones, then the v2 one): store them in the record.</summary>
    string[] Paths { get; }

    /// <summary>The directories <see cref="Create"/> made, outermost first (intermediate ones included): store them too, for Destroy of a create that failed.</summary>
    string[] CreatedPaths { get; }

    /// <summary>
    /// The directories <see cref="Create"/> would make now (those missing, outermost first): create
    /// records them BEFORE making them, so a create killed half-way leaves a record that
    /// `delete --force` can clean up from.
    /// </summary>
    string[] PathsToCreate();

    /// <summary>mkdir -p of the container's cgroup in every hierarchy; idempotent.</summary>
    void Create();

    /// <summary>
    /// Create time, before init exists: every field of linux.resources (null: none) but the memory
    /// limits, and the device rules, which always apply.
    /// </summary>
    void Apply(Resources? r);

    /// <summary>
    /// Create time, once init is in the cgroup (after the clone, before "go"): memory.limit and
    /// memory.swap. Not before: the runtime's own thread visits the cgroup for the clone
    /// (CloneIntoCgroups), and under a tiny limit the kernel would OOM-kill the runtime. Now a limit
    /// below what init already uses is refused, as runc says it: "linux.resources.memory.limit:
    /// unable to set memory limit to 4096 (current usage: U, peak usage: P)" (v1: the kernel's EBUSY;
    /// v2, where memory.max would OOM-kill instead, memory.current is checked first).
    /// </summary>
    void ApplyMemoryLimits(Resources? r);

    /// <summary>`update`: only the fields set in <paramref name="r"/>; devices only when it has any; memory.checkBeforeUpdate honoured.</summary>
    void Update(Resources r);

    /// <summary>Moves a process (with all its threads) into the cgroup in every hierarchy where it is not yet: before init runs user code.</summary>
    void AddProcess(int pid);

    /// <summary>The container's directory and ours in each v1 hierarchy, and its v2 directory: where CloneIntoCgroups takes a new child.</summary>
    CloneTargets CloneTargets();

    /// <summary>
    /// Kills whatever is left in the cgroups and removes the container's own directories. The parent
    /// directories its path named (/mydocker of "/mydocker/&lt;id&gt;") stay for the next container, as
    /// runc, crun and Docker leave theirs: made and removed for every container they cost about
    /// 1.5 ms per `run` on a v1 host (mkdir and rmdir in ~10 hierarchies; docs/PERFORMANCE.md
    /// section 5). A create that fails passes <paramref name="parentsToo"/>: it leaves nothing it made.
    /// </summary>
    void Destroy(bool parentsToo = false);

    void Freeze();
    void Thaw();
    bool IsFrozen();

    /// <summary>Every process in the container's cgroup and its sub-cgroups, sorted.</summary>
    IReadOnlyList<int> Pids();

    /// <summary>Signals every process (`kill --all`); SIGKILL uses cgroup.kill where the kernel has it.</summary>
    void Signal(int sig);

    /// <summary>runc's `events --stats` data.</summary>
    CgroupStats Stats();
}

/// <summary>Where managers come from.</summary>
public static class CgroupManager
{
    /// <summary>
    /// The manager of a new (or known) container from its config: the host layout is detected once
    /// per process. <paramref name="warn"/> receives warnings (ignored fields); default: stderr.
    /// <paramref name="rootless"/>: the caller is not the machine's root (see FsCgroupManager.Rootless).
    /// </summary>
    public static ICgroupManager For(string containerId, Linux? linux, Action<string>? warn = null, bool rootless = false) =>
        new FsCgroupManager(containerId, linux, CgroupLayout.Current, CgroupFiles.Real, warn) { Rootless = rootless };

    /// <summary>
    /// The manager of an existing container from the directories stored in its record
    /// (<see cref="ICgroupManager.Paths"/>, <see cref="ICgroupManager.CreatedPaths"/>): what delete,
    /// pause, resume, ps, kill --all, update and events should use, since a relative cgroupsPath
    /// depends on the cgroup of the `mydocker` that ran create.
    /// </summary>
    public static ICgroupManager Open(string containerId, Linux? linux, IReadOnlyList<string> paths, IReadOnlyList<string>? createdPaths, Action<string>? warn = null) =>
        new FsCgroupManager(containerId, linux, CgroupLayout.Current, CgroupFiles.Real, warn, paths, createdPaths);

    /// <summary>For tests: any layout and file layer (a directory tree built like a cgroupfs).</summary>
    public static ICgroupManager For(string containerId, Linux? linux, CgroupLayout layout, CgroupFiles files, Action<string>? warn = null) =>
        new FsCgroupManager(containerId, linux, layout, files, warn);

    /// <summary>For tests: <see cref="Open(string, Linux?, IReadOnlyList{string}, IReadOnlyList{string}?, Action{string}?)"/> on any layout and file layer.</summary>
    public static ICgroupManager Open(string containerId, Linux? linux, IReadOnlyList<string> paths, IReadOnlyList<string>? createdPaths,
        CgroupLayout layout, CgroupFiles files, Action<string>? warn = null) =>
        new FsCgroupManager(containerId, linux, layout, files, warn, paths, createdPaths);

    public static void DefaultWarn(string message) => Process.StdStream.ErrLine($"mydocker: warning: {message}");
}

/// <summary>
/// See <see cref="CloneIntoCgroups"/>: per v1 hierarchy the container's cgroup directory and the
/// runtime's own (to come back to); the container's cgroup v2 directory, or null.
/// </summary>
public sealed record CloneTargets(IReadOnlyList<(string Container, string Own)> V1, string? V2);
