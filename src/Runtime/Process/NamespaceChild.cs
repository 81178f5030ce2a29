using System.Runtime.CompilerServices;
using MyDocker.Runtime.Interop;

namespace MyDocker.Runtime.Process;

/// <summary>
/// The code that runs in the child right after clone(), until it execs `mydocker init`.
/// This plays the part of runc's C "nsexec": it joins and creates namespaces while the process is
/// still single-threaded (setns into a user or mount namespace demands that), then execs at once.
///
/// Rules of this file (the threading trap): the child is a copy of a multi-threaded .NET process in
/// which only this thread survives. So: no allocation, no exceptions, no managed calls that could
/// wait for a garbage collection, only the Libc.Child calls. Everything comes from the ChildPlan.
/// </summary>
public static unsafe class NamespaceChild
{
    /// <summary>Never returns: the child execs or exits.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Run(ChildPlan* plan)
    {
        // 1. Join existing namespaces given by path (config-linux.md "Namespaces": path).
        for (int i = 0; i < plan->JoinCount; i++)
        {
            if (Libc.Child.SetNs(plan->JoinFds[i], plan->JoinTypes[i]) < 0)
                Fail(plan, ChildReport.StageSetns, i);
            Libc.Child.Close(plan->JoinFds[i]);
        }

        // 2. Create the namespaces that clone() could not (they must belong to a joined user namespace,
        //    or, like the time namespace, clone() has no flag for them).
        if (plan->UnshareFlags != 0 && Libc.Child.Unshare(plan->UnshareFlags) < 0)
            Fail(plan, ChildReport.StageUnshare, 0);

        // 3. Let the parent write uid_map/gid_map and timens_offsets, then wait for its go.
        //    Exec before the maps exist would drop every capability (our uid would be unmapped).
        if (plan->WaitForParent != 0)
        {
            Send(plan, ChildReport.Ready, 0, 0, 0);
            byte go;
            nint n;
            do { n = Libc.Child.Read(plan->SyncReadFd, &go, 1); } while (n < 0 && *Libc.Child.ErrnoLocation() == Libc.EINTR);
            if (n != 1) Fail(plan, ChildReport.StageSync, 0);
            Libc.Child.Close(plan->SyncReadFd);
        }

        // 3b. In a new user namespace our credentials are still the host's (uid 0 there, unmapped here).
        //     Become the namespace's root, or execve would compute no capabilities for us. Raw syscalls:
        //     glibc's setresuid would try to signal the parent's other threads, which do not exist here.
        if (plan->BecomeRoot != 0)
        {
            if ((plan->KeepGroups == 0 && Libc.Child.Syscall5(Libc.SYS_setgroups, 0, 0, 0, 0, 0) < 0) ||
                Libc.Child.Syscall5(Libc.SYS_setresgid, 0, 0, 0, 0, 0) < 0 ||
                Libc.Child.Syscall5(Libc.SYS_setresuid, 0, 0, 0, 0, 0) < 0)
                Fail(plan, ChildReport.StageIdentity, 0);
        }

        // 4. A joined or unshared pid namespace only applies to children: fork the real init into it.
        //    CLONE_PARENT makes the grandchild a child of the runtime, which can then wait for it.
        if (plan->ForkAgain != 0)
        {
            long pid = Libc.Child.Syscall5(Libc.SYS_clone, (long)(Libc.CLONE_PARENT | Libc.SIGCHLD), 0, 0, 0, 0);
            if (pid < 0) Fail(plan, ChildReport.StageFork, 0);
            if (pid > 0)
            {
                Send(plan, ChildReport.GrandchildPid, 0, (int)pid, 0);
                Libc.Child.Exit(0);
            }
        }

        // 4b. A container with a terminal gets /dev/null as init's stdio (the pty comes later).
        if (plan->StdioFd >= 0)
        {
            for (int target = 0; target <= 2; target++)
                if (Libc.Child.Dup2(plan->StdioFd, target) < 0) Fail(plan, ChildReport.StageStdio, target);
        }

        // 5. Become `mydocker init` inside the namespaces. The report pipe is CLOEXEC: its closing tells the parent we made it.
        Libc.Child.Syscall5(Libc.SYS_execveat, plan->ExeFd, (long)plan->EmptyString, (long)plan->Argv, (long)plan->Envp, Libc.AT_EMPTY_PATH);
        Fail(plan, ChildReport.StageExec, 0);
    }

    private static void Fail(ChildPlan* plan, int stage, int index)
    {
        Send(plan, ChildReport.Error, stage, *Libc.Child.ErrnoLocation(), index);
        Libc.Child.Exit(127);
    }

    private static void Send(ChildPlan* plan, int kind, int stage, int value, int index)
    {
        ChildReport r;
        r.Kind = kind;
        r.Stage = stage;
        r.Value = value;
        r.Index = index;
        Libc.Child.Write(plan->ReportFd, (byte*)&r, sizeof(ChildReport));
    }
}
