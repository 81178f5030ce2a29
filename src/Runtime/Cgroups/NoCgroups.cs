using MyDocker.Runtime.Cgroups.Stats;
using MyDocker.Runtime.Interop;
using MyDocker.Spec;
using MyDocker.Spec.Model;

namespace MyDocker.Runtime.Cgroups;

/// <summary>
/// A container of a user without root to whom no cgroup is delegated: it stays in its caller's
/// cgroup, with no limits, as rootless runc's does. The record then lists no cgroup, so verbs that
/// need one (pause, update, events --stats, kill --all) say "it has no cgroup".
/// </summary>
public sealed class NoCgroups : ICgroupManager
{
    public string[] Paths => [];
    public string[] CreatedPaths => [];
    public string[] PathsToCreate() => [];
    public void Create() { }
    public void Apply(Resources? r) { }
    public void ApplyMemoryLimits(Resources? r) { }
    public void Update(Resources r) => throw new MyDockerException("update: the container has no cgroup (none is delegated to this user)");
    public void AddProcess(int pid) { }
    public CloneTargets CloneTargets() => new([], null);
    public void Destroy(bool parentsToo = false) { }
    public void Freeze() => throw new MyDockerException("pause: the container has no cgroup (none is delegated to this user)");
    public void Thaw() { }
    public bool IsFrozen() => false;
    public IReadOnlyList<int> Pids() => [];
    public void Signal(int sig) { }
    public CgroupStats Stats() => new();

    /// <summary>
    /// The cgroups of a new container. As root: the usual ones. As another user (or as root of a user
    /// namespace, as under rootless podman): the usual ones where
    /// that user may create them (a delegated subtree); otherwise none, with one warning, unless the
    /// config asks for limits, which cannot be had without a cgroup: an error naming the directory.
    /// </summary>
    public static ICgroupManager For(string containerId, Linux? linux, Action<string> warn)
    {
        bool realRoot = Namespaces.CallerUserNamespace.IsRealRoot();
        var manager = CgroupManager.For(containerId, linux, warn, rootless: !realRoot);
        if (realRoot) return manager;
        string? denied = manager.PathsToCreate().Select(NearestExisting).FirstOrDefault(d => d != null && Libc.Access(d, Libc.W_OK) != 0);
        if (denied == null) return manager;
        if (HasLimits(linux?.Resources))
            throw new MyDockerException($"linux.resources: limits need a cgroup, and {Namespaces.CallerUserNamespace.DescribeCaller()} may not create one in {denied} (delegate a cgroup to this user, or drop the limits)");
        warn($"{Namespaces.CallerUserNamespace.DescribeCaller()} may not create cgroups in {denied}: the container stays in this process's cgroup, without limits");
        return new NoCgroups();
    }

    private static string? NearestExisting(string dir)
    {
        for (string? d = Path.GetDirectoryName(dir); d != null; d = Path.GetDirectoryName(d))
            if (Directory.Exists(d)) return d;
        return null;
    }

    /// <summary>Anything that only a cgroup can enforce (a devices list alone is not a limit: rootless runc ignores it too).</summary>
    private static bool HasLimits(Resources? r) =>
        r != null && (r.Memory != null || r.Cpu != null || r.Pids != null || r.BlockIO != null
                      || r.HugepageLimits is { Count: > 0 } || r.Network != null || r.Rdma is { Count: > 0 } || r.Unified is { Count: > 0 });
}
