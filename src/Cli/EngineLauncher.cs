using MyDocker.Runtime.Interop;
using MyDocker.Runtime.Process;
using MyDocker.Spec;

namespace MyDocker.Cli;

/// <summary>
/// `mydocker daemon|container|image ...` are the engine's verbs: they live in a second binary,
/// `mydocker-engine`, beside this one (docs/ENGINE.md says why), which is exec'd in this process's
/// place with the same arguments, like git runs git-NAME. The runtime's own verbs never load it.
/// </summary>
public static unsafe class EngineLauncher
{
    public const string BinaryName = "mydocker-engine";

    public static bool IsEngineVerb(string verb) => verb is "daemon" or "container" or "image";

    public static int Exec(string verb, string[] rest)
    {
        string self = MydockerBinary.SelfPath();
        string engine = Path.Combine(Path.GetDirectoryName(self) ?? "/usr/local/bin", BinaryName);
        string[] argv = [BinaryName, verb, .. rest];
        var env = new List<string>();
        foreach (System.Collections.DictionaryEntry e in Environment.GetEnvironmentVariables()) env.Add($"{e.Key}={e.Value}");
        using var native = new NativeStrings();
        Libc.Execve(engine, native.Array(argv), native.Array(env));
        int errno = Libc.LastErrno;
        throw new MyDockerException(errno == Libc.ENOENT
            ? $"{verb}: the engine binary {engine} is missing (make install puts it beside mydocker)"
            : $"{verb}: {engine}: {Libc.StrError(errno)}", errno);
    }
}
