using System.Runtime.InteropServices;
using System.Text;

namespace MyDocker.Spec;

/// <summary>
/// Turns any exception into the one readable line a user sees.
///
/// Why it is needed: the binary is built with UseSystemResourceKeys (a smaller binary), so .NET's
/// own I/O messages are resource keys ("IO_PathNotFound_Path, /x", "IO_DiskFull_Path_AllocationSize,
/// /x, 4096") or strerror text glued to a path ("Read-only file system : '/x'"). What .NET keeps
/// besides the text is enough to say it properly: the exception's type, the errno (the HResult of a
/// plain IOException on Unix, or of the inner exception of an UnauthorizedAccessException) and the
/// path. The result has the shape Libc.Fail gives system calls: "/x: No such file or directory".
///
/// The first choice is still to catch I/O where a user's input drives it and say which input
/// (<see cref="Wrap"/>); <see cref="Of"/> is the net under everything else.
/// </summary>
public static class ErrorText
{
    private const int ENOENT = 2, EACCES = 13, ENOTDIR = 20, EFBIG = 27, ENOSPC = 28, ENAMETOOLONG = 36;

    /// <summary>
    /// One line for any exception: a MyDockerException's message as it is; an I/O failure as
    /// "path: strerror"; anything else (a bug of ours) as "internal error: Type: message".
    /// </summary>
    public static string Of(Exception e) => OneLine(e switch
    {
        MyDockerException m => m.Message,
        IOException or UnauthorizedAccessException => PathOf(e) is { } path ? $"{path}: {Reason(e)}" : Reason(e),
        _ => $"internal error: {e.GetType().Name}: {e.Message}",
    });

    /// <summary>
    /// "<paramref name="what"/>: strerror" as a MyDockerException (with its errno). For a caller whose
    /// <paramref name="what"/> already names the input and the path, e.g. "--pid-file /x/pid".
    /// </summary>
    public static MyDockerException Wrap(string what, Exception e) =>
        e is MyDockerException m ? new MyDockerException($"{what}: {m.Message}", m.Errno)
        : new MyDockerException(OneLine($"{what}: {Reason(e)}"), Errno(e));

    /// <summary>Runs <paramref name="action"/>; a file error becomes <see cref="Wrap"/>(<paramref name="what"/>, error).</summary>
    public static void Io(string what, Action action)
    {
        try { action(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw Wrap(what, e); }
    }

    /// <inheritdoc cref="Io(string, Action)"/>
    public static T Io<T>(string what, Func<T> func)
    {
        try { return func(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw Wrap(what, e); }
    }

    /// <summary>The errno behind an exception, 0 when none is known.</summary>
    public static int Errno(Exception e) => e switch
    {
        MyDockerException m => m.Errno,
        FileNotFoundException => ENOENT,
        // .NET throws this for ENOTDIR too ("/etc/hostname/x"): a file on the way tells which it was.
        DirectoryNotFoundException => PathOf(e) is { } path && FileOnTheWay(path) ? ENOTDIR : ENOENT,
        PathTooLongException => ENAMETOOLONG,
        UnauthorizedAccessException u => u.InnerException is { } inner && IsErrno(inner.HResult) ? inner.HResult : EACCES,
        IOException io when IsErrno(io.HResult) => io.HResult,
        // The two errors of a preallocating FileStream carry no errno, only their key (or English text).
        IOException io when io.Message.StartsWith("IO_DiskFull", StringComparison.Ordinal)
                         || io.Message.Contains("disk was full", StringComparison.Ordinal) => ENOSPC,
        IOException io when io.Message.StartsWith("IO_FileTooLarge", StringComparison.Ordinal) => EFBIG,
        _ => 0,
    };

    /// <summary>
    /// The path an I/O exception names, or null. FileNotFoundException keeps it in FileName; the
    /// others only in their text, in one of three shapes: "Key, path[, size]" (resource keys),
    /// "strerror : 'path'" (any other errno) and "... '/path' ..." (full English resources).
    /// </summary>
    public static string? PathOf(Exception e)
    {
        if (e is FileNotFoundException { FileName: { Length: > 0 } file }) return file;
        string m = e.Message;
        int comma = m.IndexOf(", ", StringComparison.Ordinal);
        if (comma > 0 && IsResourceKey(m[..comma]))
        {
            string args = m[(comma + 2)..];
            // "IO_DiskFull_Path_AllocationSize, /x, 4096": the size is the last argument.
            if (m[..comma].EndsWith("_AllocationSize", StringComparison.Ordinal) && args.LastIndexOf(", ", StringComparison.Ordinal) is > 0 and int last)
                args = args[..last];
            return args;
        }
        int open = m.IndexOf('\''), close = m.LastIndexOf('\'');
        return open >= 0 && close > open + 1 ? m[(open + 1)..close] : null;
    }

    /// <summary>Why it failed, without the path: strerror of the errno, else the key or message in words.</summary>
    public static string Reason(Exception e)
    {
        int errno = Errno(e);
        if (errno != 0) return Marshal.GetPInvokeErrorMessage(errno);
        string m = e.Message;
        int comma = m.IndexOf(", ", StringComparison.Ordinal);
        string head = comma > 0 ? m[..comma] : m;
        return IsResourceKey(head) ? KeyInWords(head) : m;
    }

    /// <summary>Whether a parent of <paramref name="path"/> exists and is not a directory (ENOTDIR).</summary>
    private static bool FileOnTheWay(string path)
    {
        for (string? p = Path.GetDirectoryName(path); !string.IsNullOrEmpty(p); p = Path.GetDirectoryName(p))
        {
            if (Directory.Exists(p)) return false;
            if (File.Exists(p)) return true;
        }
        return false;
    }

    /// <summary>Errors of the C library are small positive numbers; .NET's own HResults are negative.</summary>
    private static bool IsErrno(int hresult) => hresult is > 0 and < 4096;

    /// <summary>"IO_PathNotFound_Path": one word, letters, digits and '_', with at least one '_'.</summary>
    private static bool IsResourceKey(string s)
    {
        if (s.Length < 3 || !char.IsAsciiLetter(s[0]) || !s.Contains('_')) return false;
        foreach (char c in s)
            if (!char.IsAsciiLetterOrDigit(c) && c != '_') return false;
        return true;
    }

    /// <summary>"IO_SeekBeforeBegin" → "seek before begin": a key no errno explains, made readable.</summary>
    private static string KeyInWords(string key)
    {
        string[] parts = key.Split('_');
        var sb = new StringBuilder();
        // parts[0] names the area ("IO", "Arg"); "_Path", "_Name"... name the arguments.
        for (int i = parts.Length > 1 ? 1 : 0; i < parts.Length; i++)
        {
            if (i > 1 && parts[i] is "Path" or "Name" or "FileName" or "File" or "NoPathName" or "NoFileName") break;
            foreach (char c in parts[i])
            {
                if (char.IsAsciiLetterUpper(c) && sb.Length > 0) sb.Append(' ');
                sb.Append(char.ToLowerInvariant(c));
            }
        }
        return sb.Length > 0 ? sb.ToString() : key;
    }

    /// <summary>Error lines are one line: the log, the sync channel and engines read them so.</summary>
    private static string OneLine(string s) => s.Replace('\n', ' ').Replace('\r', ' ');
}
