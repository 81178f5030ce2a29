namespace MyDocker.RootfsTests;

/// <summary>
/// A fresh directory under /tmp for one test, removed afterwards. It is never removed while
/// something is still mounted below it in our mount namespace (a recursive delete through a
/// bind mount of /usr would delete the host's files): then it is left in place, and
/// <see cref="MountsBelow"/> lets the test fail loudly.
/// </summary>
public sealed class TempDir : IDisposable
{
    public string Path { get; }

    public TempDir()
    {
        Path = System.IO.Path.Combine("/tmp", "mydocker-rootfs-test-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    public string Combine(string relative) => System.IO.Path.Combine(Path, relative);

    /// <summary>Mount points at or below this directory in the test process's own mount table.</summary>
    public List<string> MountsBelow() =>
        File.ReadAllLines("/proc/self/mountinfo")
            .Select(l => l.Split(' ')[4])
            .Where(mp => mp == Path || mp.StartsWith(Path + "/", StringComparison.Ordinal))
            .ToList();

    public void Dispose()
    {
        if (MountsBelow().Count > 0) return; // never delete through a mount
        // Directory.Delete does not follow symlinks (rootfs/var/run -> /run stays a link).
        if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
    }
}
