using MyDocker.Runtime.Hooks;
using MyDocker.Runtime.State;
using MyDocker.Spec;
using MyDocker.Spec.Model;

namespace MyDocker.Runtime.Lifecycle;

/// <summary>
/// runtime.md "delete": remove what create made. A container that is not stopped — running, paused,
/// or created and never started — is refused unless --force, which kills it first. (runc removes a
/// created container without --force; the spec says that MUST be an error, and we follow the spec.)
/// `delete --force` of an unknown container succeeds: engines call it to make sure a container is gone,
/// and two of them at once end with one doing the work and the other finding nothing to do (the
/// container's lock serialises them, <see cref="ContainerLock"/>).
/// </summary>
public static class DeleteOperation
{
    public static void Delete(StateStore store, string id, bool force, Action<string>? warn = null)
    {
        ContainerId.Validate(id);
        warn ??= _ => { };
        using var idLock = store.TryLock(id);
        if (idLock == null)
        {
            if (force) return;
            throw StateStore.NotFound(id);
        }
        if (!store.Exists(id))
        {
            // A directory without state.json: a create killed before it wrote anything. Nothing was made yet.
            if (force) { store.Remove(id); return; }
            throw StateStore.NotFound(id);
        }
        // --force must get rid of a container whose state.json is corrupt too: with what can still be read of it.
        string? corrupt = null;
        var record = force ? store.LoadOrSalvage(id, out corrupt) : store.Load(id);
        string status = ContainerStatus.Probe(store, record);
        // runtime.md "delete": a container that is not stopped (created included) is refused without --force.
        if (status is not ContainerStatus.Stopped && !force)
            throw new MyDockerException($"cannot delete container {ContainerId.Quote(id)}: it is {status} (stop it first, or use --force)");
        // A frozen process cannot act on SIGKILL: thaw first.
        if (status == ContainerStatus.Paused) ContainerCgroups.Of(record, warn)?.Thaw();
        if (status != ContainerStatus.Stopped && !ProcessHandle.KillAndWait(record, 10_000))
            throw new MyDockerException($"cannot delete container {ContainerId.Quote(id)}: its process did not exit after SIGKILL");
        var poststop = record.HasPoststopHooks ? PoststopHooks(store, id, warn) : null;
        // Also after a SIGKILL of the container: Destroy kills what is left in the cgroups, then rmdirs them.
        ContainerCgroups.Of(record, warn)?.Destroy();
        if (record.MountsInHostNamespace) Rootfs.HostNamespaceMounts.UnmountMadeSince(record.Rootfs, record.HostMountsBefore);
        store.Remove(id);
        if (corrupt != null) warn($"{corrupt}; deleted with what could be read from it");
        if (poststop != null)
            LifecycleHooks.RunWarnOnly("poststop", poststop, LifecycleHooks.StateJson(record, ContainerStatus.Stopped), warn);
    }

    /// <summary>config.md "poststop": a failing hook is only a warning, and so is a saved config that cannot be read: the container is deleted anyway.</summary>
    private static List<Hook>? PoststopHooks(StateStore store, string id, Action<string> warn)
    {
        try
        {
            return store.LoadConfig(id).Hooks?.Poststop;
        }
        catch (MyDockerException e)
        {
            warn($"{e.Message}: poststop hooks not run");
            return null;
        }
    }
}
