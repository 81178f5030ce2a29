using MyDocker.Runtime.State;

namespace MyDocker.Runtime.Lifecycle;

/// <summary>runtime.md "State": the status values, probed from the live system each time.</summary>
public static class ContainerStatus
{
    public const string Creating = "creating";
    public const string Created = "created";
    public const string Running = "running";
    public const string Stopped = "stopped";
    public const string Paused = "paused";

    /// <summary>
    /// creating: no init recorded yet and a create still runs (it holds the container's lock);
    /// a record without init whose create is gone (killed) is stopped: nothing runs, delete cleans up;
    /// created: init is alive and still waiting on exec.fifo;
    /// running: init is alive (it has become the user program);
    /// stopped: init has exited (gone, a zombie, or its pid now names another process).
    /// </summary>
    public static string Probe(StateStore store, ContainerRecord record)
    {
        if (record.Pid <= 0) return store.CreateInProgress(record.Id) ? Creating : Stopped;
        if (!ProcStat.IsAlive(record.Pid, record.PidStartTime)) return Stopped;
        if (File.Exists(Path.Combine(store.DirOf(record.Id), StateStore.FifoFile))) return Created;
        // paused: runc's extension of the spec's statuses, the freezer holds the cgroup.
        if (ContainerCgroups.Of(record) is { } cg && cg.IsFrozen()) return Paused;
        return Running;
    }
}
