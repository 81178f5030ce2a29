namespace MyDocker.SecurityTests;

/// <summary>A scratch directory, removed at the end of the test.</summary>
public sealed class TempDir : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("mydocker-sec-").FullName;

    /// <summary>Creates a file (and its directories) under the scratch dir and returns its full path.</summary>
    public string File(string relative, string content = "")
    {
        string full = System.IO.Path.Combine(Path, relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        System.IO.File.WriteAllText(full, content);
        return full;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
