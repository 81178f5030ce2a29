using MyDocker.Runtime.Hooks;
using MyDocker.Runtime.Init;
using MyDocker.Runtime.Interop;
using MyDocker.Runtime.State;
using MyDocker.Spec;

namespace MyDocker.Runtime.Lifecycle;

/// <summary>
/// runtime.md "start": release the waiting init. Init is blocked in open(exec.fifo, O_WRONLY); our
/// open for reading completes that, init writes one byte and execs the user program.
/// </summary>
public static unsafe class StartOperation
{
    /// <summary>
    /// init keeps its end of the fifo open, close-on-exec: end-of-file here means the user program
    /// was exec'd, or init gave up: then it wrote its error line first (InitReport), or it died without
    /// a word (InitName tells). Returns that failure, or null. Bounded, so a hanging startContainer
    /// hook cannot hang `start`.
    /// </summary>
    private static string? WaitForExec(int fd, ContainerRecord record)
    {
        var pfd = new Libc.PollFd { Fd = fd, Events = Libc.POLLIN };
        var deadline = DateTime.UtcNow.AddSeconds(30);
        var said = new List<byte>();
        byte* buf = stackalloc byte[512];
        while (DateTime.UtcNow < deadline)
        {
            Libc.Poll(&pfd, 1, 100);
            nint n;
            while ((n = Libc.Read(fd, buf, 512)) > 0) said.AddRange(new ReadOnlySpan<byte>(buf, (int)n));
            if (n < 0) continue; // EAGAIN: init is still on its way
            if (said.Count > 0) return System.Text.Encoding.UTF8.GetString(said.ToArray()).Trim();
            return InitName.DiedBeforeExec(record.Pid, record.PidStartTime) is { } why ? "its init process " + why : null;
        }
        return null;
    }

    public static void Start(StateStore store, string id, Action<string>? warn = null)
    {
        ContainerRecord record;
        // Under the container's lock: of two concurrent starts, the second waits and then finds the
        // container running. Released before the poststart hooks, which may call the runtime themselves.
        using (store.Lock(id)) record = ReleaseInit(store, id);
        if (record.HasPoststartHooks)
        {
            var config = store.LoadConfig(id);
            LifecycleHooks.RunWarnOnly("poststart", config.Hooks?.Poststart,
                LifecycleHooks.StateJson(record, ContainerStatus.Running), warn ?? (_ => { }));
        }
    }

    /// <summary>Opens exec.fifo (init is released), then waits until init has exec'd the user program.</summary>
    private static ContainerRecord ReleaseInit(StateStore store, string id)
    {
        var record = store.Load(id);
        string status = ContainerStatus.Probe(store, record);
        if (status != ContainerStatus.Created)
            throw new MyDockerException($"cannot start container \"{id}\": it is {status}, not created");
        if (!record.HasProcess)
            throw new MyDockerException($"cannot start container \"{id}\": its config.json has no process");

        string fifoPath = Path.Combine(store.DirOf(id), StateStore.FifoFile);
        // Non-blocking open: a plain one would hang for ever if init died in the meantime.
        int fd = Libc.Open(fifoPath, Libc.O_RDONLY | Libc.O_NONBLOCK | Libc.O_CLOEXEC, 0);
        if (fd < 0) throw Libc.Fail($"cannot start container \"{id}\": opening exec.fifo");
        // Gone from here on: a start killed after this point leaves a container that no verb takes
        // for "created" (init either execs or, its reader gone, fails its write and exits).
        Libc.Unlink(fifoPath);
        try
        {
            var pfd = new Libc.PollFd { Fd = fd, Events = Libc.POLLIN };
            while (true)
            {
                int r = Libc.Poll(&pfd, 1, 100);
                if (r > 0 && (pfd.Revents & Libc.POLLIN) != 0)
                {
                    byte b;
                    if (Libc.Read(fd, &b, 1) == 1) break;
                }
                if (!ProcStat.IsAlive(record.Pid, record.PidStartTime))
                    throw new MyDockerException($"cannot start container \"{id}\": its init process exited");
            }
        }
        catch
        {
            Libc.Close(fd);
            throw;
        }
        string? failure = WaitForExec(fd, record);
        Libc.Close(fd);
        if (failure != null) throw new MyDockerException($"cannot start container \"{id}\": {failure}");
        return record;
    }
}
