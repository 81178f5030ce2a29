using MyDocker.Runtime.Hooks;
using MyDocker.Runtime.State;
using MyDocker.Spec;

namespace MyDocker.Runtime.Lifecycle;

/// <summary>
/// runtime.md "delete": remove what create made. A running container is refused unless --force,
/// which kills it first. A created (never started) container is killed and removed, like runc.
/// `delete --force` of an unknown container succeeds: engines call it to make sure a container is gone.
/// </summary>
public static class DeleteOperation
{
    public static void Delete(StateStore store, string id, bool force, Action<string>? warn = null)
    {
        ContainerId.Validate(id);
        if (!store.Exists(id))
        {
            if (force) { store.Remove(id); return; }
            throw StateStore.NotFound(id);
        }
        var record = store.Load(id);
        string status = ContainerStatus.Probe(store, record);
        if (status is ContainerStatus.Running or ContainerStatus.Paused && !force)
            throw new MyDockerException($"cannot delete container \"{id}\": it is {status} (stop it first, or use --force)");
        if (status != ContainerStatus.Stopped && !ProcessHandle.KillAndWait(record, 10_000))
            throw new MyDockerException($"cannot delete container \"{id}\": its process did not exit after SIGKILL");
        var poststop = record.HasPoststopHooks ? store.LoadConfig(id).Hooks?.Poststop : null;
        store.Remove(id);
        if (poststop != null)
            LifecycleHooks.RunWarnOnly("poststop", poststop, LifecycleHooks.StateJson(record, ContainerStatus.Stopped), warn ?? (_ => { }));
    }
}
