using MyDocker.Runtime.Interop;

namespace MyDocker.Engine.Containers;

/// <summary>
/// One thread notices every monitor that exits: poll(2) over the monitors' pidfds (a pidfd becomes
/// readable when its process exits) and a wake-up pipe that says "one more to watch". A monitor the
/// daemon started is its child and is reaped here (waitid on the pidfd: never another process that
/// got the same pid); one of an earlier daemon was adopted by init when that daemon went, so there is
/// nothing to reap. The callback then runs on the thread pool: it may run the runtime, which takes
/// milliseconds, and must not hold up the other monitors.
/// One thread, not one per container: 50 running containers cost the daemon no extra threads.
/// </summary>
public static unsafe class MonitorExits
{
    private sealed record Watched(int PidFd, Action OnExit);

    private static readonly object Lock = new();
    private static readonly List<Watched> All = [];
    private static int _wakeRead = -1, _wakeWrite = -1;

    /// <summary>
    /// Calls <paramref name="onExit"/> once the process behind <paramref name="pidFd"/> has exited. Takes
    /// the pidfd over (it is closed here). A pidfd of -1: opened now from <paramref name="pid"/> (a
    /// monitor found after a daemon restart); a process already gone gets its callback at once.
    /// </summary>
    public static void Watch(int pid, int pidFd, Action onExit)
    {
        if (pidFd < 0 && pid > 0) pidFd = Libc.PidfdOpen(pid);
        if (pidFd < 0)
        {
            ThreadPool.QueueUserWorkItem(_ => onExit());
            return;
        }
        lock (Lock)
        {
            if (_wakeRead < 0) StartThread();
            All.Add(new Watched(pidFd, onExit));
        }
        byte one = 1;
        Libc.Write(_wakeWrite, &one, 1);
    }

    private static void StartThread()
    {
        int* pipe = stackalloc int[2];
        Libc.Check(Libc.Pipe2(pipe, Libc.O_CLOEXEC | Libc.O_NONBLOCK), "pipe2");
        _wakeRead = pipe[0];
        _wakeWrite = pipe[1];
        new Thread(Loop) { IsBackground = true, Name = "monitor-exits" }.Start();
    }

    private static void Loop()
    {
        byte* drain = stackalloc byte[64];
        byte* siginfo = stackalloc byte[Libc.SigInfoSize];
        while (true)
        {
            Watched[] watched;
            lock (Lock) watched = All.ToArray();
            var fds = new Libc.PollFd[watched.Length + 1];
            fds[0] = new Libc.PollFd { Fd = _wakeRead, Events = Libc.POLLIN };
            for (int i = 0; i < watched.Length; i++) fds[i + 1] = new Libc.PollFd { Fd = watched[i].PidFd, Events = Libc.POLLIN };
            int n;
            fixed (Libc.PollFd* p = fds) n = Libc.Poll(p, (nuint)fds.Length, -1);
            if (n < 0) continue; // EINTR
            if (fds[0].Revents != 0) while (Libc.Read(_wakeRead, drain, 64) > 0) { }
            for (int i = 0; i < watched.Length; i++)
            {
                if (fds[i + 1].Revents == 0) continue;
                var w = watched[i];
                lock (Lock) All.Remove(w);
                // Our child: reap it now (ECHILD for a monitor adopted by init: nothing to do).
                Libc.WaitId(Libc.P_PIDFD, w.PidFd, siginfo, Libc.WEXITED | Libc.WNOHANG);
                Libc.Close(w.PidFd);
                ThreadPool.QueueUserWorkItem(_ => w.OnExit());
            }
        }
    }
}
