using System.Text;
using MyDocker.Runtime.Interop;

namespace MyDocker.EngineTests.Images;

/// <summary>What the file system says about a path, without following a symlink at its end (lstat).</summary>
public static unsafe class FileStat
{
    public static Libc.StatxBuf Lstat(string path)
    {
        Libc.StatxBuf st;
        if (Libc.Statx(Libc.AT_FDCWD, path, Libc.AT_SYMLINK_NOFOLLOW, Libc.STATX_BASIC_STATS, &st) < 0)
            throw Libc.Fail($"lstat {path}");
        return st;
    }

    public static bool Exists(string path)
    {
        Libc.StatxBuf st;
        return Libc.Statx(Libc.AT_FDCWD, path, Libc.AT_SYMLINK_NOFOLLOW, Libc.STATX_TYPE, &st) == 0;
    }

    /// <summary>The value of an xattr of the path itself, or null when it has none.</summary>
    public static string? Xattr(string path, string name)
    {
        byte* buf = stackalloc byte[256];
        nint n = Libc.Lgetxattr(path, name, buf, 256);
        return n < 0 ? null : Encoding.UTF8.GetString(buf, (int)n);
    }

    /// <summary>Permission bits with setuid/setgid/sticky (07777).</summary>
    public static int Perm(this Libc.StatxBuf st) => st.Mode & 0xFFF;
}

/// <summary>A temporary data root for an ImageStore, deleted after the test.</summary>
public sealed class TempRoot : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("mydocker-images-test-").FullName;

    public void Dispose()
    {
        if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
    }
}
