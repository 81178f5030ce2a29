using MyDocker.Runtime.Interop;

namespace MyDocker.Runtime.Cgroups;

/// <summary>
/// Lets the container's init be born in its cgroups, instead of being moved there after the clone.
///
/// Why: moving a process into a cgroup (writing its pid to cgroup.procs) takes the kernel's global
/// cgroup_threadgroup_rwsem for writing, and a writer first waits for an RCU grace period. Measured
/// here: 4 to 24 ms for the first cgroup.procs write of a create, most of the time `create` took.
/// Two ways avoid that lock, and this class uses both:
///  - cgroup v1: a thread may move ITSELF ("0" written to a hierarchy's `tasks` file) without the
///    global lock (kernel/cgroup/cgroup.c, cgroup_procs_write_start: "If we migrate a single thread
///    ..."), and a child starts in the cgroups of the thread that clones it. So the cloning thread
///    visits the container's cgroups for the moment of the clone, then goes back to its own.
///  - cgroup v2: clone3(CLONE_INTO_CGROUP) with an fd of the container's directory
///    (NamespaceLauncher.Request.CgroupFd).
/// Whatever could not be done this way (a refused write, a kernel without clone3) is done the usual
/// way afterwards: ICgroupManager.AddProcess writes only the hierarchies the process is not in yet.
/// A visit starts only once the way back is open (our own cgroup's `tasks`, opened for writing): a
/// user without root, in a delegated cgroup, may enter the container's cgroup but not go back to a
/// cgroup of root's, and would be stuck in it, keeping it busy.
///
/// While visiting, the thread counts in the container's pids limit (`exec` into a container at its
/// limit: the move is refused, and AddProcess does it afterwards; `create` writes the limits only
/// after the clone) and is confined by its cpuset and device rules, so nothing happens between <see cref="Enter"/> and Dispose but the clone, on this
/// same thread (the one that made the visit). The memory the runtime touches meanwhile is charged to
/// the container's memory cgroup: that is why `create` writes the memory limits only afterwards
/// (ICgroupManager.ApplyMemoryLimits), or a tiny limit would get the runtime OOM-killed.
/// </summary>
public sealed unsafe class CloneIntoCgroups : IDisposable
{
    /// <summary>Our own cgroups' `tasks` files, open for writing, in the order visited.</summary>
    private readonly List<int> _returnTo = new();

    /// <summary>The container's cgroup v2 directory (O_PATH) for clone3, or -1.</summary>
    public int V2Fd { get; private set; } = -1;

    private CloneIntoCgroups() { }

    /// <summary>Moves this thread into the container's v1 cgroups and opens its v2 directory. Never throws for a refusal.</summary>
    public static CloneIntoCgroups Enter(ICgroupManager cgroups)
    {
        var visit = new CloneIntoCgroups();
        var targets = cgroups.CloneTargets();
        foreach (var (container, own) in targets.V1)
        {
            int back = OpenTasks(own);
            if (back < 0) break; // no way back: the rest by AddProcess after the clone
            int there = OpenTasks(container);
            bool moved = there >= 0 && MoveThisThread(there);
            if (there >= 0) Libc.Close(there);
            if (!moved) { Libc.Close(back); break; }
            visit._returnTo.Add(back);
        }
        if (targets.V2 != null)
            visit.V2Fd = Libc.Open(targets.V2, Libc.O_PATH | Libc.O_DIRECTORY | Libc.O_CLOEXEC, 0);
        return visit;
    }

    /// <summary>Back to our own cgroups (in reverse order), and the v2 fd closed.</summary>
    public void Dispose()
    {
        for (int i = _returnTo.Count - 1; i >= 0; i--)
        {
            MoveThisThread(_returnTo[i]);
            Libc.Close(_returnTo[i]);
        }
        _returnTo.Clear();
        if (V2Fd >= 0) Libc.Close(V2Fd);
        V2Fd = -1;
    }

    private static int OpenTasks(string dir) => Libc.Open(Path.Combine(dir, "tasks"), Libc.O_WRONLY | Libc.O_CLOEXEC, 0);

    /// <summary>"0" to a v1 cgroup's open `tasks` file: the calling thread alone moves into that cgroup.</summary>
    private static bool MoveThisThread(int tasksFd)
    {
        byte zero = (byte)'0';
        return Libc.Write(tasksFd, &zero, 1) == 1;
    }
}
