using System.Text;
using Microsoft.Win32.SafeHandles;

namespace MyDocker.Spec;

/// <summary>
/// Reads a whole small file (a config.json, state.json, a /proc or cgroup file) with one open, reads
/// until EOF, one close. File.ReadAllText does more for every call: a FileStream and a StreamReader
/// with their buffers, and an flock(LOCK_SH) for its FileShare.Read. A `run` reads some twenty
/// such files, and this halves what each costs (docs/PERFORMANCE.md section 5).
/// Errors are File.ReadAllText's exceptions (FileNotFoundException, DirectoryNotFoundException,
/// UnauthorizedAccessException, IOException), so callers catch what they caught before.
/// </summary>
public static class SmallFile
{
    public static string ReadText(string path)
    {
        var (buffer, length) = Read(path);
        var span = buffer.AsSpan(0, length);
        if (span.StartsWith("\uFEFF"u8)) span = span[3..]; // a UTF-8 byte order mark, as ReadAllText drops it
        return Encoding.UTF8.GetString(span);
    }

    public static byte[] ReadBytes(string path)
    {
        var (buffer, length) = Read(path);
        return length == buffer.Length ? buffer : buffer[..length];
    }

    private static (byte[] Buffer, int Length) Read(string path)
    {
        // FileShare.ReadWrite: no advisory lock is taken (the kernel files would not care anyway).
        using SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        byte[] buffer = new byte[4096];
        int length = 0;
        while (true)
        {
            if (length == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
            int n = RandomAccess.Read(handle, buffer.AsSpan(length), length);
            if (n == 0) return (buffer, length);
            length += n;
        }
    }
}
