using System.Diagnostics;

namespace MyDocker.IntegrationTests.Harness;

/// <summary>
/// One per test run: finds the built `mydocker` binary (MYDOCKER_BIN, else out/mydocker of the repo),
/// builds a busybox rootfs in a temp dir with scripts/make-rootfs.sh, and checks we are root.
/// A test that cannot run fails with the reason; nothing is skipped silently.
/// </summary>
public sealed class RuntimeFixture : IDisposable
{
    public string RepoRoot { get; }
    public string Binary { get; }
    public string Rootfs { get; }
    private readonly string _tempDir;
    /// <summary>The default parent cgroup (/mydocker) in the hierarchies where it existed before the tests.</summary>
    private readonly HashSet<string> _parentsBefore = DefaultParents().ToHashSet();
    /// <summary>The slirp4netns hook's base directory (Runtime/Network/NetworkDir) was there before the tests.</summary>
    private readonly bool _netBaseBefore = Directory.Exists(NetBase);
    private const string NetBase = "/run/mydocker-net";

    public RuntimeFixture()
    {
        RepoRoot = FindRepoRoot();
        Binary = Environment.GetEnvironmentVariable("MYDOCKER_BIN") ?? Path.Combine(RepoRoot, "out", "mydocker");
        if (!File.Exists(Binary))
            throw new InvalidOperationException($"integration tests need the built binary at {Binary}: run `make build` (or set MYDOCKER_BIN)");
        if (Environment.UserName != "root" && GetUid() != 0)
            throw new InvalidOperationException("integration tests start real containers and must run as root (sudo make test)");
        _tempDir = Directory.CreateTempSubdirectory("mydocker-it-").FullName;
        // Containers with a user namespace run as an unprivileged host uid: it must reach the rootfs.
        File.SetUnixFileMode(_tempDir, (UnixFileMode)0x1ED /* 0755 */);
        Rootfs = Path.Combine(_tempDir, "rootfs");
        var r = Exec.Run(Path.Combine(RepoRoot, "scripts", "make-rootfs.sh"), [Rootfs], timeoutMs: 60_000);
        if (r.ExitCode != 0) throw new InvalidOperationException($"make-rootfs.sh failed: {r.Stderr}");
    }

    private static uint GetUid() => uint.TryParse(File.ReadAllLines("/proc/self/status")
        .First(l => l.StartsWith("Uid:")).Split('\t', StringSplitOptions.RemoveEmptyEntries)[1], out uint u) ? u : 1;

    private static string FindRepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d != null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "MyDocker.sln"))) return d.FullName;
        throw new InvalidOperationException("cannot find the repository root (MyDocker.sln) above " + AppContext.BaseDirectory);
    }

    public void Dispose()
    {
        try { Directory.Delete(_tempDir, recursive: true); } catch (IOException) { }
        // A deleted container leaves its parent cgroup for the next one (as runc does); the tests
        // leave the host as they found it, so the parents they made go (rmdir: only when empty).
        foreach (string parent in DefaultParents().Where(p => !_parentsBefore.Contains(p)))
        {
            try { Directory.Delete(parent); } catch (IOException) { }
        }
        if (!_netBaseBefore && Directory.Exists(NetBase))
        {
            try { Directory.Delete(NetBase); } catch (IOException) { } // empty: each container's part is checked by its test
        }
    }

    /// <summary>/sys/fs/cgroup/mydocker (cgroup v2) and /sys/fs/cgroup/&lt;hierarchy&gt;/mydocker (v1), where they exist.</summary>
    private static IEnumerable<string> DefaultParents() =>
        Directory.GetDirectories("/sys/fs/cgroup").Append("/sys/fs/cgroup")
            .Select(m => m + "/mydocker").Where(Directory.Exists).ToList();
}

[CollectionDefinition("runtime")]
public sealed class RuntimeCollection : ICollectionFixture<RuntimeFixture>;

/// <summary>The result of running a command.</summary>
public sealed record ExecResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\nstdout: {Stdout}\nstderr: {Stderr}";
}

public static class Exec
{
    /// <summary>
    /// Runs a command with stdout and stderr going to files, not pipes: a created container inherits
    /// the runtime's stdio and keeps it open long after `mydocker create` exited (as with runc), so
    /// waiting for pipe EOF would wait for the container.
    /// </summary>
    public static ExecResult Run(string file, IEnumerable<string> args, string? stdin = null, int timeoutMs = 30_000)
    {
        string dir = Directory.CreateTempSubdirectory("mydocker-exec-").FullName;
        string outFile = Path.Combine(dir, "out"), errFile = Path.Combine(dir, "err");
        try
        {
            var psi = new ProcessStartInfo("/bin/sh")
            {
                RedirectStandardInput = true,
                UseShellExecute = false,
            };
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add("exec \"$0\" \"$@\" >\"$MYDOCKER_TEST_OUT\" 2>\"$MYDOCKER_TEST_ERR\"");
            psi.ArgumentList.Add(file);
            foreach (var a in args) psi.ArgumentList.Add(a);
            psi.Environment["MYDOCKER_TEST_OUT"] = outFile;
            psi.Environment["MYDOCKER_TEST_ERR"] = errFile;
            using var p = Process.Start(psi)!;
            if (stdin != null) p.StandardInput.Write(stdin);
            p.StandardInput.Close();
            if (!p.WaitForExit(timeoutMs))
            {
                p.Kill(entireProcessTree: true);
                throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in {timeoutMs} ms");
            }
            return new ExecResult(p.ExitCode, File.ReadAllText(outFile), File.ReadAllText(errFile));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
