using MyDocker.Runtime.Interop;
using MyDocker.Spec;
using MyDocker.Spec.Model;

namespace MyDocker.Runtime.Namespaces;

/// <summary>
/// Decides HOW the container's namespaces come to be, from linux.namespaces:
///
/// * The usual case (nothing joined by path, or joins without a new user namespace): every new
///   namespace that clone() can make is made by clone() itself. With CLONE_NEWUSER in the same call
///   the kernel creates the user namespace first, so it owns the others. The child is PID 1 at once.
/// * A user or pid namespace joined by path (or joins plus a new user namespace): the child is cloned
///   plainly, joins with setns() first, then unshare()s the new ones so they belong to the joined
///   user namespace, and forks once more because a pid namespace only applies to children.
/// * time: clone() has no flag for it (0x80 is the exit-signal byte), so it is always unshare()d; the
///   kernel moves the process into it at execve (Linux 6.0+), after the parent wrote timens_offsets.
/// * cgroup: never here. The init process unshares it itself once it sits in its own cgroup, so that
///   the namespace's root is the container's cgroup (config-linux.md: cgroup namespace).
/// </summary>
public sealed class NamespacePlan : IDisposable
{
    public ulong CloneFlags { get; private set; }
    public int UnshareFlags { get; private set; }
    public bool ForkAgain { get; private set; }
    public bool NewUser { get; private set; }
    public bool NewTime { get; private set; }
    public bool NewCgroup { get; private set; }
    public bool NewPid { get; private set; }
    public bool NewMount { get; private set; }
    public bool NewUts { get; private set; }
    /// <summary>Open namespace files to setns() into, a user namespace first.</summary>
    public List<(int Fd, int Type, string Path)> Joins { get; } = new();

    public bool WaitForParent => NewUser || NewTime;

    /// <summary>A mount namespace given by path, opened; init enters it (MountNamespaceJoin), -1 if none.</summary>
    public int MountJoinFd { get; private set; } = -1;

    /// <summary>The joined user namespace (by path) needs the same "become root in it" step as a new one.</summary>
    public bool JoinsUser { get; private set; }

    public static NamespacePlan From(Config config) => From(config.Linux?.Namespaces ?? new List<Namespace>());

    /// <summary>
    /// `mydocker exec`: every namespace of the running container, joined through /proc/INITPID/ns/*.
    /// </summary>
    public static NamespacePlan JoinAll(List<Namespace>? containerNamespaces, int initPid) =>
        From((containerNamespaces ?? new List<Namespace>())
            .Select(n => new Namespace { Type = n.Type, Path = $"/proc/{initPid}/ns/{NamespaceKind.ProcName(n.Type)}" })
            .ToList());

    public static NamespacePlan From(List<Namespace> namespaces)
    {
        var plan = new NamespacePlan();
        try
        {
            plan.Build(namespaces);
            return plan;
        }
        catch
        {
            plan.Dispose();
            throw;
        }
    }

    private void Build(List<Namespace> namespaces)
    {
        ulong created = 0;
        bool joinsUser = false, joinsPid = false;
        // User namespace first: the others are joined with the rights it gives.
        foreach (var ns in namespaces.OrderBy(n => n.Type == "user" ? 0 : 1))
        {
            ulong flag = NamespaceKind.Flag(ns.Type);
            if (!NamespaceKind.Supported(ns.Type))
                throw new MyDockerException($"linux.namespaces: this kernel has no {ns.Type} namespace");
            if (string.IsNullOrEmpty(ns.Path))
            {
                created |= flag;
                continue;
            }
            int fd = Libc.Open(ns.Path, Libc.O_RDONLY | Libc.O_CLOEXEC, 0);
            if (fd < 0) throw Libc.Fail($"linux.namespaces: {ns.Type} namespace path {ns.Path}");
            if (ns.Type == "mount")
            {
                // Not joined in the child: after setns into another mount namespace the exec of our own
                // (dynamically linked) binary would look for its ELF loader in the container's root.
                // init joins it itself, first thing (see MountNamespaceJoin).
                MountJoinFd = fd;
                continue;
            }
            Joins.Add((fd, (int)flag, ns.Path));
            if (ns.Type == "user") joinsUser = true;
            if (ns.Type == "pid") joinsPid = true;
        }

        JoinsUser = joinsUser;
        NewUser = (created & Libc.CLONE_NEWUSER) != 0;
        NewTime = (created & Libc.CLONE_NEWTIME) != 0;
        NewCgroup = (created & Libc.CLONE_NEWCGROUP) != 0;
        NewPid = (created & Libc.CLONE_NEWPID) != 0;
        NewMount = (created & Libc.CLONE_NEWNS) != 0;
        NewUts = (created & Libc.CLONE_NEWUTS) != 0;
        ulong byCloneOrUnshare = created & ~(Libc.CLONE_NEWCGROUP | Libc.CLONE_NEWTIME);

        if (joinsUser || joinsPid || (Joins.Count > 0 && NewUser))
        {
            UnshareFlags = (int)(byCloneOrUnshare | (created & Libc.CLONE_NEWTIME));
            ForkAgain = NewPid || joinsPid;
        }
        else
        {
            CloneFlags = byCloneOrUnshare;
            UnshareFlags = (int)(created & Libc.CLONE_NEWTIME);
        }
    }

    public void Dispose()
    {
        foreach (var j in Joins) Libc.Close(j.Fd);
        Joins.Clear();
        if (MountJoinFd >= 0) Libc.Close(MountJoinFd);
        MountJoinFd = -1;
    }
}
