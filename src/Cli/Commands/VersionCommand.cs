using MyDocker.Spec.Model;

namespace MyDocker.Cli;

/// <summary>`mydocker --version`, in runc's shape (docker info parses it): version, commit, spec.</summary>
public static class VersionCommand
{
    public static int Run()
    {
        MyDocker.Runtime.Process.StdStream.Out($"mydocker version {BuildInfo.Version}\ncommit: {Commit}\nspec: {SpecVersion.Current}\n");
        return 0;
    }

    /// <summary>The commit the build was given (the Makefile passes -p:SourceRevisionId=$(COMMIT)).</summary>
    public static string Commit => BuildInfo.Commit.Length > 0 ? BuildInfo.Commit : "unknown";

    /// <summary>"version+commit", what the SDK puts in AssemblyInformationalVersion: `features` reports it.</summary>
    public static string InformationalVersion => BuildInfo.Commit.Length > 0 ? $"{BuildInfo.Version}+{BuildInfo.Commit}" : BuildInfo.Version;
}
