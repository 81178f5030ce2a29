using System.Runtime.InteropServices;
using System.Text;
using MyDocker.Runtime.Interop;
using MyDocker.Runtime.Namespaces;
using MyDocker.Spec;

namespace MyDocker.Runtime.Process;

/// <summary>
/// Parent side of process creation: clone() a child into the planned namespaces and follow it until
/// it has exec'd `mydocker init` (the role runc's C "nsexec" bootstrap plays with its Go parent).
///
/// Protocol with the child (see NamespaceChild): a CLOEXEC "report" pipe carries fixed-size
/// ChildReport records (Ready, GrandchildPid, Error); the pipe reaching end-of-file means every child
/// copy has exec'd. A second pipe carries the parent's "go" byte after it wrote the id maps.
///
/// Watchdog: if the child sends nothing within <see cref="WatchdogMs"/> (the GC trap described in
/// docs/ARCHITECTURE.md would look exactly like that), it is killed and the clone is retried.
/// </summary>
public static unsafe class NamespaceLauncher
{
    public const int WatchdogMs = 5000;
    public const int Attempts = 3;

    public sealed class Request
    {
        public required NamespacePlan Plan { get; init; }
        public required string[] Argv { get; init; }
        public required string[] Env { get; init; }
        /// <summary>An fd to become init's stdin, stdout and stderr (a terminal's containers get /dev/null); -1 keeps ours.</summary>
        public int StdioFd { get; init; } = -1;
        /// <summary>An open fd of the binary the child execs (see MydockerBinary).</summary>
        public required int ExeFd { get; init; }
        /// <summary>Called with the pid of the process that owns the new user/time namespace, before it may go on.</summary>
        public Action<int>? BeforeGo { get; init; }
        /// <summary>
        /// setgroups(2) is switched off in the user namespace the child ends up in: BeforeGo switches it off
        /// in a new one (IdMapWriter.DeniesSetgroups), or a joined one has it off (exec into a rootless
        /// container, IdMapWriter.SetgroupsDeniedIn). The child must not call it.
        /// </summary>
        public bool SetgroupsDenied { get; init; }
        /// <summary>
        /// A cgroup v2 directory (fd) for the child to start in (clone3 CLONE_INTO_CGROUP), -1 for none.
        /// Where the kernel refuses it, the child starts where we are and the caller moves it.
        /// </summary>
        public int CgroupFd { get; init; } = -1;
    }

    /// <summary>Starts the child; returns the pid of the process that exec'd `mydocker init`.</summary>
    public static int Launch(Request request)
    {
        for (int attempt = 1; ; attempt++)
        {
            int? pid = TryLaunch(request);
            if (pid is int ok) return ok;
            if (attempt == Attempts)
                throw new MyDockerException($"clone: the child did not reach execve within {WatchdogMs} ms, {Attempts} times");
        }
    }

    /// <summary>One attempt; null when the watchdog fired (the child was killed).</summary>
    private static int? TryLaunch(Request request)
    {
        using var nativeStrings = new NativeStrings();
        ChildPlan* plan = (ChildPlan*)NativeMemory.AllocZeroed((nuint)sizeof(ChildPlan));
        int* report = stackalloc int[2];
        int* sync = stackalloc int[2];
        report[0] = report[1] = sync[0] = sync[1] = -1;
        int childPid = -1, grandchildPid = -1;
        try
        {
            Libc.Check(Libc.Pipe2(report, Libc.O_CLOEXEC), "pipe2");
            Libc.Check(Libc.Pipe2(sync, Libc.O_CLOEXEC), "pipe2");
            FillPlan(plan, request, report[1], sync[0], nativeStrings);

            // The clone itself: raw syscall, no GC transition; the child never returns from Run().
            long r = -1;
            if (request.CgroupFd >= 0)
            {
                // Born in the container's cgroup v2: no migration afterwards (see CloneIntoCgroups).
                var args = new Libc.CloneArgs
                {
                    Flags = plan->CloneFlags | Libc.CLONE_INTO_CGROUP,
                    ExitSignal = (ulong)Libc.SIGCHLD,
                    Cgroup = (ulong)request.CgroupFd,
                };
                r = Libc.Child.Syscall5(Libc.SYS_clone3, (long)&args, sizeof(Libc.CloneArgs), 0, 0, 0);
                if (r == 0) NamespaceChild.Run(plan);
            }
            // Plain clone: no cgroup asked for, or clone3 refused (an old kernel, a cgroup that cannot take
            // the child); then the same error, if it is about the namespaces, comes again from clone.
            if (r < 0) r = Libc.Child.Syscall5(Libc.SYS_clone, (long)(plan->CloneFlags | (ulong)Libc.SIGCHLD), 0, 0, 0, 0);
            if (r == 0) NamespaceChild.Run(plan);
            if (r < 0)
            {
                int errno = *Libc.Child.ErrnoLocation();
                throw new MyDockerException($"clone: {Libc.StrError(errno)}", errno);
            }
            childPid = (int)r;
            Libc.Close(report[1]); report[1] = -1;
            Libc.Close(sync[0]); sync[0] = -1;

            int initPid = plan->ForkAgain != 0 ? -1 : childPid;
            while (true)
            {
                var status = ReadReport(report[0], out ChildReport msg);
                if (status == ReadStatus.TimedOut)
                {
                    KillAndReap(childPid, grandchildPid);
                    return null;
                }
                if (status == ReadStatus.Eof) break;
                switch (msg.Kind)
                {
                    case ChildReport.Ready:
                        request.BeforeGo?.Invoke(childPid);
                        byte go = 1;
                        Libc.Check(Libc.Write(sync[1], &go, 1), "sync pipe write");
                        break;
                    case ChildReport.GrandchildPid:
                        grandchildPid = initPid = msg.Value;
                        break;
                    case ChildReport.Error:
                        KillAndReap(childPid, grandchildPid);
                        childPid = -1;
                        throw new MyDockerException(Describe(msg, request.Plan), msg.Value);
                }
            }
            if (plan->ForkAgain != 0)
            {
                // The intermediate child exits as soon as it has forked init; reap it.
                int st;
                Libc.WaitPid(childPid, &st, 0);
                childPid = -1;
            }
            if (initPid <= 0) throw new MyDockerException("clone: the child exited before starting init");
            return initPid;
        }
        catch
        {
            if (childPid > 0) KillAndReap(childPid, grandchildPid);
            throw;
        }
        finally
        {
            for (int i = 0; i < 2; i++)
            {
                if (report[i] >= 0) Libc.Close(report[i]);
                if (sync[i] >= 0) Libc.Close(sync[i]);
            }
            NativeMemory.Free(plan);
        }
    }

    private static void FillPlan(ChildPlan* plan, Request request, int reportFd, int syncFd, NativeStrings allocations)
    {
        var ns = request.Plan;
        if (ns.Joins.Count > ChildPlan.MaxJoins) throw new MyDockerException("linux.namespaces: too many namespaces to join");
        plan->CloneFlags = ns.CloneFlags;
        plan->JoinCount = ns.Joins.Count;
        for (int i = 0; i < ns.Joins.Count; i++)
        {
            plan->JoinFds[i] = ns.Joins[i].Fd;
            plan->JoinTypes[i] = ns.Joins[i].Type;
        }
        plan->UnshareFlags = ns.UnshareFlags;
        plan->WaitForParent = ns.WaitForParent ? 1 : 0;
        plan->SyncReadFd = syncFd;
        plan->ForkAgain = ns.ForkAgain ? 1 : 0;
        plan->BecomeRoot = ns.NewUser || ns.JoinsUser ? 1 : 0;
        plan->KeepGroups = (ns.NewUser || ns.JoinsUser) && request.SetgroupsDenied ? 1 : 0;
        plan->ReportFd = reportFd;
        plan->ExeFd = request.ExeFd;
        plan->StdioFd = request.StdioFd;
        plan->EmptyString = allocations.String("");
        plan->Argv = allocations.Array(request.Argv);
        plan->Envp = allocations.Array(request.Env);
    }

    private enum ReadStatus { Message, Eof, TimedOut }

    private static ReadStatus ReadReport(int fd, out ChildReport msg)
    {
        msg = default;
        var pfd = new Libc.PollFd { Fd = fd, Events = Libc.POLLIN };
        int got = 0;
        fixed (ChildReport* m = &msg)
        {
            while (got < sizeof(ChildReport))
            {
                int pr = Libc.Poll(&pfd, 1, WatchdogMs);
                if (pr < 0 && Libc.LastErrno == Libc.EINTR) continue;
                if (pr == 0) return ReadStatus.TimedOut;
                nint n = Libc.Read(fd, (byte*)m + got, sizeof(ChildReport) - got);
                if (n < 0 && Libc.LastErrno == Libc.EINTR) continue;
                if (n <= 0) return got == 0 ? ReadStatus.Eof : throw new MyDockerException("clone: short report from the child");
                got += (int)n;
            }
        }
        return ReadStatus.Message;
    }

    private static string Describe(ChildReport msg, NamespacePlan plan)
    {
        string err = Libc.StrError(msg.Value);
        return msg.Stage switch
        {
            ChildReport.StageSetns => $"linux.namespaces: joining {TypeName(plan.Joins[msg.Index].Type)} namespace {plan.Joins[msg.Index].Path}: {err}",
            ChildReport.StageUnshare => $"linux.namespaces: unshare: {err}",
            ChildReport.StageSync => "clone: the parent went away before the child could go on",
            ChildReport.StageFork => $"clone: forking into the pid namespace: {err}",
            ChildReport.StageStdio => $"clone: setting init's stdio to /dev/null: {err}",
            ChildReport.StageIdentity => $"linux.uidMappings: becoming root in the new user namespace: {err} (is uid/gid 0 mapped?)",
            ChildReport.StageExec => $"execveat of the mydocker binary (mydocker init): {err}",
            _ => $"clone: child failed: {err}",
        };
    }

    private static string TypeName(int flag)
    {
        foreach (var t in NamespaceKind.All)
            if ((int)NamespaceKind.Flag(t) == flag) return t;
        return "?";
    }

    private static void KillAndReap(int childPid, int grandchildPid)
    {
        int st;
        if (grandchildPid > 0) { Libc.Kill(grandchildPid, 9); Libc.WaitPid(grandchildPid, &st, 0); }
        if (childPid > 0) { Libc.Kill(childPid, 9); Libc.WaitPid(childPid, &st, 0); }
    }
}
