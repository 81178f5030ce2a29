using MyDocker.Runtime.Interop;
using MyDocker.Runtime.Rootfs;
using MyDocker.Spec;

namespace MyDocker.Runtime.Init;

/// <summary>
/// config.md "cwd": the directory the user program starts in.
/// Like runc, init creates a missing cwd (mode 0755, owned by the container's root) once it is
/// inside the new root: before the user is switched, and before root.readonly and readonlyPaths
/// apply. The walk goes through SafePath, so a symlink on the way cannot lead out of the root.
/// </summary>
public static class ProcessCwd
{
    /// <summary>mkdir -p of <paramref name="cwd"/> under "/" (already the container's root).</summary>
    public static void Create(string cwd)
    {
        using var root = PathFd.OpenDirectory("/");
        using var dir = SafePath.Open(root, cwd, CreateAs.Directory, "process.cwd");
        if (!dir.IsDirectory)
            throw new MyDockerException($"process.cwd {cwd}: {dir.InRootPath} is not a directory", Libc.ENOTDIR);
    }

    /// <summary>chdir, as the user the program runs as (a directory it may not enter fails here).</summary>
    public static void Enter(string cwd) => Libc.Check(Libc.Chdir(cwd), $"process.cwd: chdir {cwd}");
}
