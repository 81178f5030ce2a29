namespace MyDocker.Tests.Support;

/// <summary>
/// Whole-text comparisons against files in tests/MyDocker.Tests/Golden/.
/// MYDOCKER_UPDATE_GOLDEN=1 rewrites the files instead (then review the diff before committing).
/// </summary>
public static class Golden
{
    public static void Matches(string name, string actual)
    {
        string file = RepoRoot.Combine("tests", "MyDocker.Tests", "Golden", name);
        actual = actual.ReplaceLineEndings("\n").TrimEnd('\n') + "\n";
        if (Environment.GetEnvironmentVariable("MYDOCKER_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(file, actual);
            return;
        }
        Assert.True(File.Exists(file), $"golden file {file} is missing (MYDOCKER_UPDATE_GOLDEN=1 writes it)");
        Assert.Equal(File.ReadAllText(file).ReplaceLineEndings("\n"), actual);
    }
}
