using MyDocker.Runtime.Interop;
using MyDocker.Spec;

namespace MyDocker.Runtime.Process;

/// <summary>
/// Starts a program whose descriptors are exactly the ones given: <c>fds[i]</c> becomes descriptor i
/// in the child (0, 1, 2 included), and nothing else crosses execve (ours are all close-on-exec).
/// The child starts with default signal dispositions and an empty mask (<see cref="SpawnSignals"/>),
/// and in a session of its own when asked: it then has no controlling terminal, and no group
/// signal sent to the caller's terminal or process group reaches it.
/// </summary>
public static unsafe class FdSpawn
{
    /// <summary>Returns the child's pid; a program that cannot be started throws "<paramref name="what"/>: strerror".</summary>
    public static int Start(string path, IReadOnlyList<string> argv, IReadOnlyList<string> env, IReadOnlyList<int> fds, bool newSession, string what)
    {
        // Each source first moves above every target number, so one dup2 cannot overwrite a source
        // another still needs; dup2 onto a new number clears close-on-exec in the child.
        var high = new int[fds.Count];
        using var native = new NativeStrings();
        byte* actions = stackalloc byte[Libc.SpawnFileActionsSize];
        byte* attr = stackalloc byte[Libc.SpawnAttrSize];
        int opened = 0;
        try
        {
            for (; opened < fds.Count; opened++)
            {
                high[opened] = Libc.Fcntl(fds[opened], 1030 /* F_DUPFD_CLOEXEC */, 64);
                if (high[opened] < 0) throw Libc.Fail($"{what}: fcntl(F_DUPFD_CLOEXEC)");
            }
            Libc.PosixSpawnFileActionsInit(actions);
            for (int i = 0; i < high.Length; i++) Libc.PosixSpawnFileActionsAddDup2(actions, high[i], i);
            Libc.PosixSpawnAttrInit(attr);
            SpawnSignals.ResetIn(attr, newSession ? Libc.POSIX_SPAWN_SETSID : (short)0);
            int pid = 0;
            int err = Libc.PosixSpawn(&pid, native.String(path), actions, attr, native.Array(argv), native.Array(env));
            Libc.PosixSpawnAttrDestroy(attr);
            Libc.PosixSpawnFileActionsDestroy(actions);
            if (err != 0) throw new MyDockerException($"{what}: {path}: {Libc.StrError(err)}", err);
            return pid;
        }
        finally
        {
            for (int i = 0; i < opened; i++) Libc.Close(high[i]);
        }
    }
}
