using System.Reflection;
using MyDocker.Spec.Model;

namespace MyDocker.Cli;

/// <summary>`mydocker --version`, in runc's shape (docker info parses it): version, commit, spec.</summary>
public static class VersionCommand
{
    public static int Run()
    {
        var asm = typeof(VersionCommand).Assembly;
        string info = asm.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        // InformationalVersion is "<version>+<commit>" when the build knows its commit.
        int plus = info.IndexOf('+');
        string version = plus < 0 ? info : info[..plus];
        string commit = plus < 0 ? "unknown" : info[(plus + 1)..];
        Console.Out.Write($"mydocker version {version}\ncommit: {commit}\nspec: {SpecVersion.Current}\n");
        return 0;
    }
}
