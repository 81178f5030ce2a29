using MyDocker.Runtime.State;
using MyDocker.Spec;

namespace MyDocker.Runtime.Lifecycle;

/// <summary>`pause` / `resume` (runc's verbs, not in the spec): the freezer of the container's cgroup.</summary>
public static class PauseOperation
{
    public static void Pause(StateStore store, string id)
    {
        using var idLock = store.Lock(id);
        var record = store.Load(id);
        string status = ContainerStatus.Probe(store, record);
        if (status != ContainerStatus.Running)
            throw new MyDockerException($"cannot pause container {ContainerId.Quote(id)}: it is {status}, not running");
        ContainerCgroups.Require(record, "pause").Freeze();
    }

    public static void Resume(StateStore store, string id)
    {
        using var idLock = store.Lock(id);
        var record = store.Load(id);
        string status = ContainerStatus.Probe(store, record);
        if (status != ContainerStatus.Paused)
            throw new MyDockerException($"cannot resume container {ContainerId.Quote(id)}: it is {status}, not paused");
        ContainerCgroups.Require(record, "resume").Thaw();
    }
}
