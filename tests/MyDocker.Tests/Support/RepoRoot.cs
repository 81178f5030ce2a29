namespace MyDocker.Tests.Support;

/// <summary>The repository's top folder: the first folder above the test binaries that holds MyDocker.sln.</summary>
public static class RepoRoot
{
    private static readonly Lazy<string> Root = new(Find);

    public static string Path => Root.Value;

    public static string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "MyDocker.sln")))
                return dir.FullName;
        throw new InvalidOperationException($"MyDocker.sln not found above {AppContext.BaseDirectory}");
    }
}
