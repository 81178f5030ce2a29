using MyDocker.Runtime.Interop;

namespace MyDocker.Runtime.State;

/// <summary>
/// An exclusive flock(2) on a container's state directory. Every verb that changes a container
/// (create, start, kill, pause, resume, update, the set-up part of exec, delete) holds it, so two
/// verbs on one ID run one after the other and the second sees what the first did: two concurrent
/// `delete --force` end with one doing the work and the other finding nothing left to do.
///
/// Why the directory itself: it exists exactly as long as the container, so there is no lock file
/// to leak. `delete` removes the directory while it holds the lock; a verb that was waiting then
/// wakes up holding a lock on a removed directory, notices it (the path no longer leads to the
/// inode it locked) and treats the container as gone. The kernel drops the lock when its holder
/// exits, a SIGKILLed one included: a lock never outlives a dead `create`.
/// </summary>
public sealed class ContainerLock : IDisposable
{
    private int _fd;
    private readonly string _dir;

    // The directories this process holds: a verb holding the lock asks IsHeld about its own container
    // (through ContainerStatus.Probe) and must hear "no other holder".
    private static readonly HashSet<string> HeldHere = new(StringComparer.Ordinal);

    private ContainerLock(int fd, string dir)
    {
        _fd = fd;
        _dir = dir;
        HeldHere.Add(dir);
    }

    /// <summary>Waits for the lock on <paramref name="dir"/>; null when the directory does not exist (or was removed while we waited).</summary>
    public static ContainerLock? Acquire(string dir)
    {
        while (true)
        {
            int fd = Libc.Open(dir, Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_CLOEXEC, 0);
            if (fd < 0)
            {
                if (Libc.LastErrno is Libc.ENOENT or Libc.ENOTDIR) return null;
                throw Libc.Fail($"opening state directory {dir}");
            }
            while (Libc.Flock(fd, Libc.LOCK_EX) < 0)
            {
                if (Libc.LastErrno == Libc.EINTR) continue;
                var e = Libc.Fail($"locking state directory {dir}");
                Libc.Close(fd);
                throw e;
            }
            switch (StillAt(fd, dir))
            {
                case true: return new ContainerLock(fd, dir);
                case null: Libc.Close(fd); return null;   // deleted while we waited
                case false: Libc.Close(fd); continue;     // deleted and made anew (same ID): lock the new one
            }
        }
    }

    /// <summary>True when another process holds the lock on <paramref name="dir"/> right now (a running create, say).</summary>
    public static bool IsHeldElsewhere(string dir)
    {
        if (HeldHere.Contains(dir)) return false;
        int fd = Libc.Open(dir, Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_CLOEXEC, 0);
        if (fd < 0) return false;
        try
        {
            if (Libc.Flock(fd, Libc.LOCK_EX | Libc.LOCK_NB) == 0) return false; // closing the fd releases it
            return Libc.LastErrno == Libc.EAGAIN;
        }
        finally { Libc.Close(fd); }
    }

    /// <summary>true: the path still leads to the locked directory; null: nothing there any more; false: another directory.</summary>
    private static bool? StillAt(int fd, string dir)
    {
        if (Libc.Fstatx(fd, out var locked) < 0) throw Libc.Fail($"stat of state directory {dir}");
        if (Libc.StatxPath(dir, out var now) < 0) return Libc.LastErrno == Libc.ENOENT ? null : false;
        return now.Ino == locked.Ino && now.DevMajor == locked.DevMajor && now.DevMinor == locked.DevMinor;
    }

    public void Dispose()
    {
        if (_fd < 0) return;
        Libc.Close(_fd); // closing the last fd of the open file releases the flock
        _fd = -1;
        HeldHere.Remove(_dir);
    }
}
