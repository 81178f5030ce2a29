using System.Diagnostics;
using System.Text.Json.Nodes;
using MyDocker.Engine.Monitor;
using MyDocker.Runtime.Interop;

namespace MyDocker.EngineTests.Monitor;

/// <summary>
/// A busybox root filesystem, built once for the monitor tests by scripts/make-rootfs.sh (the
/// example bundle's recipe), and the binaries under test: out/mydocker (the runtime, from
/// `make build`) and the monitor, by default the JIT build of mydocker-engine next to this test
/// assembly (always the current code); MYDOCKER_TEST_ENGINE=out/mydocker-engine tests the AOT binary.
/// </summary>
public sealed class MonitorFixture : IDisposable
{
    public string RepoRoot { get; }
    public string Runtime { get; }
    public string MonitorBinary { get; }
    public string Rootfs { get; }
    private readonly string _tempDir;

    public MonitorFixture()
    {
        RepoRoot = FindRepoRoot();
        Runtime = Path.Combine(RepoRoot, "out", "mydocker");
        if (!File.Exists(Runtime)) throw new InvalidOperationException($"{Runtime} is missing: run `make build` first (these tests run real containers)");
        MonitorBinary = Environment.GetEnvironmentVariable("MYDOCKER_TEST_ENGINE") is { Length: > 0 } e
            ? Path.GetFullPath(e, RepoRoot)
            : Path.Combine(AppContext.BaseDirectory, "mydocker-engine");
        if (!File.Exists(MonitorBinary)) throw new InvalidOperationException($"{MonitorBinary} is missing");
        _tempDir = Directory.CreateTempSubdirectory("mydocker-montest-rootfs-").FullName;
        Rootfs = Path.Combine(_tempDir, "rootfs");
        var (code, output) = Run("sh", [Path.Combine(RepoRoot, "scripts", "make-rootfs.sh"), Rootfs]);
        if (code != 0) throw new InvalidOperationException($"make-rootfs.sh failed: {output}");
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "MyDocker.sln"))) return dir.FullName;
        throw new InvalidOperationException("cannot find the repository (MyDocker.sln) above " + AppContext.BaseDirectory);
    }

    /// <summary>Runs a program, returns its exit code and stdout+stderr.</summary>
    public static (int Code, string Output) Run(string program, IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        string stdout = p.StandardOutput.ReadToEnd();
        string stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout + stderr);
    }

    /// <summary>Reaps an exited monitor through its pidfd (as Containers/MonitorExits does) and closes the pidfd.</summary>
    public static unsafe void Reap(MonitorStarted m)
    {
        byte* siginfo = stackalloc byte[Libc.SigInfoSize];
        Libc.WaitId(Libc.P_PIDFD, m.MonitorPidFd, siginfo, Libc.WEXITED);
        Libc.Close(m.MonitorPidFd);
    }

    public void Dispose() => Directory.Delete(_tempDir, recursive: true);
}

[CollectionDefinition("monitor")]
public sealed class MonitorCollection : ICollectionFixture<MonitorFixture> { }

/// <summary>
/// One container for one test: a bundle whose config.json comes from `mydocker spec` (root: the
/// shared busybox rootfs), a container directory for the monitor's files, a private runtime root
/// under /run/mydocker-montest-*. Dispose deletes the container, checks that no monitor is left,
/// and removes the directories.
/// </summary>
public sealed class MonitorTestContainer : IDisposable
{
    private readonly MonitorFixture _f;
    private readonly string _tempDir;
    private readonly List<MonitorStarted> _monitors = [];

    public string Id { get; } = "montest-" + Guid.NewGuid().ToString("N")[..12];
    public string Bundle { get; }
    public string Dir { get; }
    public string RuntimeRoot { get; }
    public MonitorPaths Paths => new(Dir);

    public MonitorTestContainer(MonitorFixture f, IReadOnlyList<string> args, bool terminal)
    {
        _f = f;
        _tempDir = Directory.CreateTempSubdirectory("mydocker-montest-").FullName;
        Bundle = Path.Combine(_tempDir, "bundle");
        Dir = Path.Combine(_tempDir, "container");
        Directory.CreateDirectory(Bundle);
        Directory.CreateDirectory(Dir);
        RuntimeRoot = "/run/mydocker-montest-" + Guid.NewGuid().ToString("N")[..12];

        var (code, output) = MonitorFixture.Run(f.Runtime, ["spec", "--bundle", Bundle]);
        Assert.True(code == 0, output);
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(Bundle, "config.json")))!;
        config["root"]!["path"] = f.Rootfs;
        config["process"]!["terminal"] = terminal;
        var argsNode = new JsonArray();
        foreach (var a in args) argsNode.Add(a);
        config["process"]!["args"] = argsNode;
        File.WriteAllText(Path.Combine(Bundle, "config.json"), config.ToJsonString());
    }

    public MonitorRequest Request(bool tty = false, bool stdin = false) => new()
    {
        Id = Id,
        ContainerDir = Dir,
        RuntimePath = _f.Runtime,
        RuntimeRoot = RuntimeRoot,
        Bundle = Bundle,
        Tty = tty,
        Stdin = stdin,
        MonitorBinary = _f.MonitorBinary,
    };

    public MonitorStarted Launch(MonitorRequest request)
    {
        var started = MonitorLauncher.Start(request);
        _monitors.Add(started);
        return started;
    }

    /// <summary>Writes a process.json for exec: the bundle's process with other args, terminal off.</summary>
    public string WriteExecProcess(IReadOnlyList<string> args)
    {
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(Bundle, "config.json")))!;
        var process = config["process"]!.DeepClone();
        process["terminal"] = false;
        var argsNode = new JsonArray();
        foreach (var a in args) argsNode.Add(a);
        process["args"] = argsNode;
        string file = Path.Combine(_tempDir, "process-" + Guid.NewGuid().ToString("N")[..8] + ".json");
        File.WriteAllText(file, process.ToJsonString());
        return file;
    }

    public string Runtime(params string[] args)
    {
        var (code, output) = MonitorFixture.Run(_f.Runtime, ["--root", RuntimeRoot, .. args]);
        Assert.True(code == 0, $"mydocker {string.Join(' ', args)}: {output}");
        return output;
    }

    public void Start() => Runtime("start", Id);

    /// <summary>Waits for the exit file (the monitor writes it after the output is drained).</summary>
    public static ExitInfo WaitForExit(string exitFile, int timeoutMs = 15000)
    {
        var clock = Stopwatch.StartNew();
        while (clock.ElapsedMilliseconds < timeoutMs)
        {
            if (ExitFile.ReadFile(exitFile) is ExitInfo info) return info;
            Thread.Sleep(20);
        }
        throw new TimeoutException($"{exitFile} did not appear within {timeoutMs} ms");
    }

    public static bool ProcessAlive(int pid)
    {
        // A zombie has exited: its reaper (init, since the monitor is nobody's child) will collect it.
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] != 'Z';
        }
        catch (IOException) { return false; }
    }

    public static void WaitGone(int pid, int timeoutMs = 10000)
    {
        var clock = Stopwatch.StartNew();
        while (ProcessAlive(pid))
        {
            if (clock.ElapsedMilliseconds > timeoutMs) throw new TimeoutException($"process {pid} still runs after {timeoutMs} ms");
            Thread.Sleep(20);
        }
    }

    /// <summary>Every process whose command line mentions this container's directory (monitors left behind).</summary>
    public List<int> ProcessesMentioningDir()
    {
        var found = new List<int>();
        foreach (var d in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(d), out int pid)) continue;
            try
            {
                if (File.ReadAllText(Path.Combine(d, "cmdline")).Contains(Dir) && ProcessAlive(pid)) found.Add(pid);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return found;
    }

    public void Dispose()
    {
        try
        {
            MonitorFixture.Run(_f.Runtime, ["--root", RuntimeRoot, "delete", "--force", Id]);
            foreach (var m in _monitors)
            {
                WaitGone(m.MonitorPid);
                MonitorFixture.Reap(m); // the monitor is our child, as it is the daemon's
            }
            Assert.Empty(ProcessesMentioningDir());
            var (_, list) = MonitorFixture.Run(_f.Runtime, ["--root", RuntimeRoot, "list", "--quiet"]);
            Assert.DoesNotContain(Id, list);
        }
        finally
        {
            if (Directory.Exists(RuntimeRoot)) Directory.Delete(RuntimeRoot, recursive: true);
            Directory.Delete(_tempDir, recursive: true);
        }
    }
}
