using System.Runtime.InteropServices;

namespace MyDocker.Runtime.Interop;

/// <summary>posix_spawn(3), posix_spawnp(3): start a program with an exact argv (argv[0] included) and environment.</summary>
public static unsafe partial class Libc
{
    /// <summary>posix_spawn_file_actions_t is 80 bytes in glibc (x86-64); we keep a generous buffer.</summary>
    public const int SpawnFileActionsSize = 128;

    [LibraryImport(Lib, EntryPoint = "posix_spawn")]
    public static partial int PosixSpawn(int* pid, byte* path, void* fileActions, void* attr, nint* argv, nint* envp);

    /// <summary>posix_spawn with the program looked up through PATH when its name has no '/', as execvp does.</summary>
    [LibraryImport(Lib, EntryPoint = "posix_spawnp")]
    public static partial int PosixSpawnP(int* pid, byte* file, void* fileActions, void* attr, nint* argv, nint* envp);

    [LibraryImport(Lib, EntryPoint = "posix_spawn_file_actions_init")]
    public static partial int PosixSpawnFileActionsInit(void* actions);

    [LibraryImport(Lib, EntryPoint = "posix_spawn_file_actions_destroy")]
    public static partial int PosixSpawnFileActionsDestroy(void* actions);

    [LibraryImport(Lib, EntryPoint = "posix_spawn_file_actions_adddup2")]
    public static partial int PosixSpawnFileActionsAddDup2(void* actions, int fd, int newfd);

    /// <summary>posix_spawnattr_t is 336 bytes in glibc (x86-64); we keep a generous buffer.</summary>
    public const int SpawnAttrSize = 512;

    /// <summary>sigset_t: 1024 bits, signal n is bit n-1 (glibc x86-64). Filled by hand: glibc's sigfillset leaves out its own signals 32 and 33.</summary>
    public const int SigSetULongs = 16;

    // posix_spawnattr_setflags(3) flags (glibc values)
    public const short POSIX_SPAWN_SETPGROUP = 0x02, POSIX_SPAWN_SETSIGDEF = 0x04, POSIX_SPAWN_SETSIGMASK = 0x08;

    [LibraryImport(Lib, EntryPoint = "posix_spawnattr_init")]
    public static partial int PosixSpawnAttrInit(void* attr);

    [LibraryImport(Lib, EntryPoint = "posix_spawnattr_destroy")]
    public static partial int PosixSpawnAttrDestroy(void* attr);

    [LibraryImport(Lib, EntryPoint = "posix_spawnattr_setflags")]
    public static partial int PosixSpawnAttrSetFlags(void* attr, short flags);

    /// <summary>The process group the child joins (POSIX_SPAWN_SETPGROUP); 0: a new group led by the child.</summary>
    [LibraryImport(Lib, EntryPoint = "posix_spawnattr_setpgroup")]
    public static partial int PosixSpawnAttrSetPGroup(void* attr, int pgroup);

    /// <summary>The signals set back to SIG_DFL in the child (POSIX_SPAWN_SETSIGDEF).</summary>
    [LibraryImport(Lib, EntryPoint = "posix_spawnattr_setsigdefault")]
    public static partial int PosixSpawnAttrSetSigDefault(void* attr, ulong* sigset);

    /// <summary>The child's signal mask (POSIX_SPAWN_SETSIGMASK).</summary>
    [LibraryImport(Lib, EntryPoint = "posix_spawnattr_setsigmask")]
    public static partial int PosixSpawnAttrSetSigMask(void* attr, ulong* sigset);
}
