using MyDocker.Runtime.Interop;

namespace MyDocker.Runtime.Process;

/// <summary>
/// posix_spawn attributes that give a child the signal state of a freshly booted process: every
/// disposition back to SIG_DFL and nothing blocked. Needed because an ignored signal stays ignored
/// across execve, and .NET ignores SIGPIPE (a child would then get EPIPE instead of dying on a
/// closed pipe); glibc's posix_spawn also leaves its own signals 32 and 33 ignored unless they are
/// in the set, which is why every bit is set.
/// </summary>
public static unsafe class SpawnSignals
{
    /// <summary>Sets SETSIGDEF and SETSIGMASK (plus <paramref name="moreFlags"/>) on an initialised attribute object; the sets are copied into it.</summary>
    public static void ResetIn(void* attr, short moreFlags = 0)
    {
        ulong* all = stackalloc ulong[Libc.SigSetULongs];
        ulong* none = stackalloc ulong[Libc.SigSetULongs];
        for (int k = 0; k < Libc.SigSetULongs; k++) { all[k] = ulong.MaxValue; none[k] = 0; }
        Libc.PosixSpawnAttrSetFlags(attr, (short)(Libc.POSIX_SPAWN_SETSIGDEF | Libc.POSIX_SPAWN_SETSIGMASK | moreFlags));
        Libc.PosixSpawnAttrSetSigDefault(attr, all);
        Libc.PosixSpawnAttrSetSigMask(attr, none);
    }
}
