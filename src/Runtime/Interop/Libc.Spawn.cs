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
}
