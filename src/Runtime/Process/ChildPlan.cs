using System.Runtime.InteropServices;

namespace MyDocker.Runtime.Process;

/// <summary>
/// Everything the cloned child needs, laid out in unmanaged memory BEFORE clone(), so that the child
/// only reads it: it never allocates, never touches a managed object, never throws.
/// Built by <see cref="NamespaceLauncher"/>; read by <see cref="NamespaceChild.Run"/>.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public unsafe struct ChildPlan
{
    public const int MaxJoins = 8;

    /// <summary>CLONE_NEW* flags given to clone() itself: those namespaces exist from the child's first instruction.</summary>
    public ulong CloneFlags;
    /// <summary>Namespaces to enter with setns(), in order (a user namespace first): open fds and their CLONE_NEW* types.</summary>
    public int JoinCount;
    public fixed int JoinFds[MaxJoins];
    public fixed int JoinTypes[MaxJoins];
    /// <summary>Namespaces created with unshare() after the joins (they then belong to a joined user namespace).</summary>
    public int UnshareFlags;
    /// <summary>Non-zero: after the namespace steps, report Ready and wait for one byte on SyncReadFd (the parent writes id maps / time offsets first).</summary>
    public int WaitForParent;
    public int SyncReadFd;
    /// <summary>Non-zero: a new user namespace was made; take uid/gid 0 in it once the maps exist.</summary>
    public int BecomeRoot;
    /// <summary>1: setgroups is switched off in the new user namespace (a rootless runtime's gid_map): skip it.</summary>
    public int KeepGroups;
    /// <summary>Non-zero: the pid namespace was joined or unshared, which only affects children, so fork once more; the grandchild becomes init.</summary>
    public int ForkAgain;
    /// <summary>
    /// >= 0: dup2 it onto 0, 1 and 2 before exec. With a terminal, init must not keep the runtime's
    /// stdio: the engine waits for end-of-file on `create`'s output pipes (runc gives /dev/null too).
    /// </summary>
    public int StdioFd;
    /// <summary>Write end of the CLOEXEC report pipe: messages to the parent; it closes by itself at execve.</summary>
    public int ReportFd;
    /// <summary>An open fd of the mydocker binary: execveat(fd, "", AT_EMPTY_PATH) needs no /proc and no path inside the container.</summary>
    public int ExeFd;
    public byte* EmptyString;
    public nint* Argv;
    public nint* Envp;
}

/// <summary>The fixed-size records the child writes on the report pipe.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct ChildReport
{
    public const int Error = 1, Ready = 2, GrandchildPid = 3;
    /// <summary>Which step failed, for the error text.</summary>
    public const int StageSetns = 1, StageUnshare = 2, StageSync = 3, StageFork = 4, StageExec = 5, StageIdentity = 6, StageStdio = 7;

    public int Kind;
    public int Stage;
    public int Value;   // errno for Error, pid for GrandchildPid
    public int Index;   // which join failed
}
