namespace MyDocker.Engine.Containers;

/// <summary>
/// Moments other requests wait for: a container's process exists (attach connects then, before
/// `start`), it exited (wait, stop), it was removed (wait?condition=removed). One small state per
/// container id, replaced at each start.
/// </summary>
public sealed class ContainerEvents
{
    private sealed class State
    {
        public TaskCompletionSource Created = New();
        public TaskCompletionSource Exited = New();
        public readonly TaskCompletionSource Removed = New();
        public int PendingAttachers;
    }

    private readonly Dictionary<string, State> _states = new();
    private readonly object _lock = new();

    private static TaskCompletionSource New() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private State Of(string id)
    {
        lock (_lock)
        {
            if (!_states.TryGetValue(id, out var s)) _states[id] = s = new State();
            return s;
        }
    }

    // ---- attach before start ----

    /// <summary>An attach request for a container not started yet: counted, so start waits for it to connect.</summary>
    public Task RegisterAttacher(string id)
    {
        var s = Of(id);
        lock (_lock)
        {
            s.PendingAttachers++;
            return s.Created.Task;
        }
    }

    public void AttacherConnected(string id)
    {
        var s = Of(id);
        lock (_lock)
        {
            if (s.PendingAttachers > 0) s.PendingAttachers--;
            System.Threading.Monitor.PulseAll(_lock);
        }
    }

    public void ProcessCreated(string id)
    {
        TaskCompletionSource created;
        lock (_lock) created = Of(id).Created;
        created.TrySetResult();
    }

    public void WaitForAttachers(string id, TimeSpan timeout)
    {
        var s = Of(id);
        var deadline = DateTime.UtcNow + timeout;
        lock (_lock)
        {
            while (s.PendingAttachers > 0)
            {
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero) break;
                System.Threading.Monitor.Wait(_lock, left);
            }
            s.PendingAttachers = 0;
            s.Created = New(); // the next start's attachers wait for that start
        }
    }

    // ---- exit and removal ----

    /// <summary>Completes the waiters of this exit; later waiters wait for the exit after it.</summary>
    public void Exited(string id)
    {
        TaskCompletionSource exited;
        lock (_lock)
        {
            var s = Of(id);
            exited = s.Exited;
            s.Exited = New();
        }
        exited.TrySetResult();
    }

    /// <summary>The next exit of the container (completes at once when it is not running).</summary>
    public Task NextExit(ContainerRecord record)
    {
        lock (_lock)
        {
            var s = Of(record.Id);
            return record.State.Status == "running" ? s.Exited.Task : Task.CompletedTask;
        }
    }

    /// <summary>wait?condition=next-exit: the next exit, even of a container not started yet (docker run waits before it starts).</summary>
    public Task ExitAfterNextStart(ContainerRecord record)
    {
        lock (_lock) return Of(record.Id).Exited.Task;
    }

    public bool WaitExited(ContainerRecord record, TimeSpan timeout) => NextExit(record).Wait(timeout);

    public Task RemovedTask(string id)
    {
        lock (_lock) return Of(id).Removed.Task;
    }

    public void Removed(string id)
    {
        State? s;
        lock (_lock)
        {
            _states.TryGetValue(id, out s);
            _states.Remove(id);
        }
        s?.Removed.TrySetResult();
        s?.Exited.TrySetResult();
    }
}
