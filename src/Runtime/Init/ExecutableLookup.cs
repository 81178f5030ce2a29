using MyDocker.Runtime.Interop;
using MyDocker.Spec;

namespace MyDocker.Runtime.Init;

/// <summary>
/// Finds process.args[0] inside the container (after pivot_root), the way execvp would:
/// a name with a '/' is used as it is; otherwise each directory of the process's PATH is tried.
/// Done before init reports "ready", so that `create` fails cleanly on a missing binary.
///
/// The error texts carry the words runc (Go) uses for the same failures — "no such file or
/// directory", "permission denied", "executable file not found in $PATH" — because engines read
/// them: Docker, for one, turns the first and the last into exit code 127, "permission denied" into 126.
/// </summary>
public static class ExecutableLookup
{
    public const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    public static string Find(string name, IEnumerable<string> env, string cwd)
    {
        if (name.Contains('/'))
        {
            string full = name.StartsWith('/') ? name : Path.Combine(cwd, name);
            if (Problem(full) is { } problem)
                throw new MyDockerException($"process.args[0]: \"{name}\": {problem}");
            return name;
        }
        string path = env.FirstOrDefault(e => e.StartsWith("PATH="))?[5..] ?? DefaultPath;
        foreach (string dir in path.Split(':'))
        {
            string candidate = Path.Combine(dir.Length == 0 ? "." : dir, name);
            if (Problem(candidate) is null) return candidate;
        }
        throw new MyDockerException($"process.args[0]: \"{name}\": executable file not found in $PATH");
    }

    /// <summary>
    /// Why execve would refuse <paramref name="path"/>, in Go's (lower-case strerror) words, or null
    /// when it is an executable file. stat follows symlinks as execve does, so a symlink loop is ELOOP.
    /// </summary>
    public static string? Problem(string path)
    {
        if (Libc.StatxPath(path, out Libc.StatxBuf st) < 0) return Words(Libc.LastErrno);
        if (st.IsDirectory) return "is a directory";
        if (st.FileType != Libc.S_IFREG) return "permission denied (not a regular file)";
        if (Libc.Access(path, Libc.X_OK) < 0)
            return Libc.LastErrno == Libc.EACCES ? "permission denied (not executable)" : Words(Libc.LastErrno);
        return null;
    }

    /// <summary>strerror as Go spells it: "No such file or directory" → "no such file or directory".</summary>
    private static string Words(int errno)
    {
        string s = Libc.StrError(errno);
        return s.Length > 0 ? char.ToLowerInvariant(s[0]) + s[1..] : s;
    }
}
