using MyDocker.Spec;

namespace MyDocker.Cli;

/// <summary>Files named on the command line (--process, --resources), read with errors that name the flag.</summary>
public static class UserFile
{
    public static string ReadAllText(string flag, string path)
    {
        // .NET reports opening a directory as "access denied": say what it is.
        if (Directory.Exists(path)) throw new MyDockerException($"{flag} {path}: is a directory", MyDocker.Runtime.Interop.Libc.EISDIR);
        return ErrorText.Io($"{flag} {path}", () => File.ReadAllText(path));
    }
}
