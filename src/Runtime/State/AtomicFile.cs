using MyDocker.Runtime.Interop;

namespace MyDocker.Runtime.State;

/// <summary>
/// Writes a whole file so that a reader sees the old content or the new one, never a part: write a
/// temporary file beside it, fsync it, rename it over the old one (rename(2) is atomic within a
/// directory). Without the fsync a power loss right after the rename could leave an empty file on
/// disk file systems; on tmpfs (/run) it costs nothing. A file that means nothing after a reboot (a
/// pid file, a container's state.json, which may live on a disk) skips it (durable: false).
/// </summary>
public static unsafe class AtomicFile
{
    public static void Write(string path, ReadOnlySpan<byte> bytes, bool durable = true)
    {
        string tmp = path + ".tmp";
        int fd = Libc.Open(tmp, Libc.O_WRONLY | Libc.O_CREAT | Libc.O_TRUNC | Libc.O_CLOEXEC, 0x1A4 /* 0644 */);
        if (fd < 0) throw Libc.Fail($"creating {tmp}");
        try
        {
            if (!Process.FdBytes.WriteAll(fd, bytes)) throw Libc.Fail($"writing {tmp}");
            if (durable && Libc.Fsync(fd) < 0) throw Libc.Fail($"fsync {tmp}");
        }
        catch
        {
            Libc.Close(fd);
            Libc.Unlink(tmp);
            throw;
        }
        Libc.Close(fd);
        if (Libc.Rename(tmp, path) < 0)
        {
            var e = Libc.Fail($"renaming {tmp} to {path}");
            Libc.Unlink(tmp);
            throw e;
        }
    }
}
