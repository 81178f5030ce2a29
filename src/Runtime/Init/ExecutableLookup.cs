using MyDocker.Runtime.Interop;
using MyDocker.Spec;

namespace MyDocker.Runtime.Init;

/// <summary>
/// Finds process.args[0] inside the container (after pivot_root), the way execvp would:
/// a name with a '/' is used as it is; otherwise each directory of the process's PATH is tried.
/// Done before init reports "ready", so that `create` fails cleanly on a missing binary.
/// </summary>
public static class ExecutableLookup
{
    public const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    public static string Find(string name, IEnumerable<string> env, string cwd)
    {
        if (name.Contains('/'))
        {
            string full = name.StartsWith('/') ? name : Path.Combine(cwd, name);
            Check(full, name);
            return name;
        }
        string path = env.FirstOrDefault(e => e.StartsWith("PATH="))?[5..] ?? DefaultPath;
        foreach (string dir in path.Split(':'))
        {
            string candidate = Path.Combine(dir.Length == 0 ? "." : dir, name);
            if (IsExecutableFile(candidate)) return candidate;
        }
        throw new MyDockerException($"process.args[0]: \"{name}\": executable file not found in $PATH");
    }

    private static void Check(string full, string name)
    {
        if (!File.Exists(full))
            throw new MyDockerException($"process.args[0]: \"{name}\": no such file in the container");
        if (!IsExecutableFile(full))
            throw new MyDockerException($"process.args[0]: \"{name}\": permission denied (not executable)");
    }

    private static bool IsExecutableFile(string path) =>
        File.Exists(path) && Libc.Access(path, Libc.X_OK) == 0;
}
