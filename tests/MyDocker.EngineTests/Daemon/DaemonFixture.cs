using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace MyDocker.EngineTests.Daemon;

/// <summary>
/// A real `mydocker daemon` for the tests in the "daemon" collection, with its own socket, data root
/// and runtime root (nothing shared with a daemon already running on the machine), and the image
/// busybox:latest imported from a busybox root filesystem. The binary is MYDOCKER_BIN's directory's
/// `mydocker`, else the repository's out/mydocker (`make build`): the AOT binaries as shipped.
/// Dispose leaves the machine as it was: containers removed through the API, the daemon stopped by
/// its pid, anything still mounted under the data root unmounted, the directories removed.
/// </summary>
public sealed class DaemonFixture : IDisposable
{
    public const string Image = "busybox:latest";

    public string RepoRoot { get; }
    /// <summary>The runtime binary, `mydocker` (its `daemon` verb execs mydocker-engine beside it).</summary>
    public string Binary { get; }
    /// <summary>Everything of this fixture's on the host except the runtime root: 0755, so `nobody` can reach the socket's directory.</summary>
    public string BaseDir { get; }
    public string Socket { get; }
    public string DataRoot { get; }
    public string RuntimeRoot { get; }
    public string LogFile { get; }
    /// <summary>An uncompressed tar of the busybox root filesystem, the content of busybox:latest.</summary>
    public string BusyboxTar { get; }
    public string DockerHost => "unix://" + Socket;

    private Process? _daemon;
    private readonly StringBuilder _daemonStderr = new();

    public DaemonFixture()
    {
        if (!Environment.IsPrivilegedProcess) throw new InvalidOperationException("the daemon tests must run as root (the daemon mounts overlays and runs containers)");
        RepoRoot = FindRepoRoot();
        string binDir = Environment.GetEnvironmentVariable("MYDOCKER_BIN") is { Length: > 0 } b
            ? Path.GetDirectoryName(Path.GetFullPath(b))! : Path.Combine(RepoRoot, "out");
        Binary = Path.Combine(binDir, "mydocker");
        foreach (string f in new[] { Binary, Path.Combine(binDir, "mydocker-engine") })
            if (!File.Exists(f)) throw new InvalidOperationException($"{f} is missing: run `make build` (or set MYDOCKER_BIN to the mydocker binary)");

        BaseDir = Directory.CreateTempSubdirectory("mydocker-apitests-").FullName;
        File.SetUnixFileMode(BaseDir, (UnixFileMode)0x1ED); // 0755
        Socket = Path.Combine(BaseDir, "sock", "docker.sock");
        Directory.CreateDirectory(Path.GetDirectoryName(Socket)!, (UnixFileMode)0x1ED);
        DataRoot = Path.Combine(BaseDir, "data");
        LogFile = Path.Combine(BaseDir, "daemon.log");
        RuntimeRoot = "/run/" + Path.GetFileName(BaseDir);
        try
        {
            BusyboxTar = MakeBusyboxTar();
            StartDaemon();
            var imported = UnixHttp.Send(Socket, "POST", "/v1.41/images/create?fromSrc=-&repo=busybox&tag=latest&changes=" + Uri.EscapeDataString("CMD [\"sh\"]"),
                File.ReadAllBytes(BusyboxTar), "application/x-tar");
            if (imported.Status != 200) throw new InvalidOperationException($"importing {BusyboxTar} as {Image} failed: {imported}");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public int DaemonPid => _daemon?.Id ?? throw new InvalidOperationException("the daemon is not running");

    /// <summary>The environment for a docker CLI or docker-py aimed at this daemon (and no user's ~/.docker config).</summary>
    public Dictionary<string, string> ClientEnv() => new()
    {
        ["DOCKER_HOST"] = DockerHost,
        ["DOCKER_CONFIG"] = Path.Combine(BaseDir, "docker-config"),
        ["DOCKER_CLI_HINTS"] = "false",
    };

    public void StartDaemon()
    {
        if (_daemon is { HasExited: false }) throw new InvalidOperationException("the daemon is already running");
        var psi = new ProcessStartInfo(Binary) { RedirectStandardError = true, RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (string a in new[] { "daemon", "--socket", Socket, "--data-root", DataRoot, "--runtime-root", RuntimeRoot, "--log", LogFile })
            psi.ArgumentList.Add(a);
        var daemon = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {Binary} daemon");
        daemon.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (_daemonStderr) _daemonStderr.AppendLine(e.Data); };
        daemon.OutputDataReceived += (_, e) => { if (e.Data != null) lock (_daemonStderr) _daemonStderr.AppendLine(e.Data); };
        daemon.BeginErrorReadLine();
        daemon.BeginOutputReadLine();
        daemon.StandardInput.Close();
        _daemon = daemon;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (daemon.HasExited) throw new InvalidOperationException($"the daemon exited with {daemon.ExitCode} at start: {DaemonOutput()}");
            try
            {
                if (File.Exists(Socket) && UnixHttp.Send(Socket, "GET", "/_ping", timeoutSeconds: 5) is { Status: 200, Body: "OK" }) return;
            }
            catch (System.Net.Sockets.SocketException) { }
            if (clock.Elapsed > TimeSpan.FromSeconds(20)) throw new InvalidOperationException($"the daemon did not answer /_ping on {Socket} within 20s: {DaemonOutput()}");
            Thread.Sleep(50);
        }
    }

    /// <summary>SIGTERM to the daemon's pid, then waits for it to exit; returns how long that took (SIGKILL after 60 s).</summary>
    public TimeSpan StopDaemon()
    {
        var daemon = _daemon ?? throw new InvalidOperationException("the daemon was never started");
        var clock = Stopwatch.StartNew();
        if (!daemon.HasExited)
        {
            HostRun.Run("kill", ["-TERM", daemon.Id.ToString()]);
            if (!daemon.WaitForExit(TimeSpan.FromSeconds(60)))
            {
                daemon.Kill();
                daemon.WaitForExit();
            }
        }
        return clock.Elapsed;
    }

    public bool DaemonRunning => _daemon is { HasExited: false };

    /// <summary>The daemon's stderr and the tail of its log, for failure messages.</summary>
    public string DaemonOutput()
    {
        string log = File.Exists(LogFile) ? string.Join('\n', File.ReadLines(LogFile).TakeLast(30)) : "(no log)";
        lock (_daemonStderr) return $"stderr: {_daemonStderr}\nlog {LogFile} (last lines):\n{log}";
    }

    public HttpAnswer Api(string method, string path, string? json = null, int timeoutSeconds = 60) =>
        UnixHttp.Send(Socket, method, path, json == null ? null : Encoding.UTF8.GetBytes(json), timeoutSeconds: timeoutSeconds);

    /// <summary>GET /containers/ID/json as JSON, requiring 200.</summary>
    public JsonNode Inspect(string id)
    {
        var a = Api("GET", $"/v1.41/containers/{id}/json");
        if (a.Status != 200) throw new InvalidOperationException($"inspect {id}: {a}");
        return a.Json!;
    }

    /// <summary>
    /// The busybox tree as a tar: bundles/example/rootfs when it has been built (`make rootfs`),
    /// else a fresh one made by scripts/make-rootfs.sh (Debian's static busybox) under BaseDir.
    /// </summary>
    private string MakeBusyboxTar()
    {
        string rootfs = Path.Combine(RepoRoot, "bundles", "example", "rootfs");
        if (!File.Exists(Path.Combine(rootfs, "bin", "busybox")))
        {
            rootfs = Path.Combine(BaseDir, "rootfs");
            var made = HostRun.Run("sh", [Path.Combine(RepoRoot, "scripts", "make-rootfs.sh"), rootfs]);
            if (made.ExitCode != 0)
                throw new InvalidOperationException($"no busybox root filesystem: bundles/example/rootfs is not built and scripts/make-rootfs.sh failed (apt-get install busybox-static): {made}");
        }
        string tar = Path.Combine(BaseDir, "busybox.tar");
        HostRun.Ok("tar", ["-C", rootfs, "-cf", tar, "."]);
        return tar;
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "MyDocker.sln"))) return dir.FullName;
        throw new InvalidOperationException("cannot find the repository (MyDocker.sln) above " + AppContext.BaseDirectory);
    }

    public void Dispose()
    {
        var problems = new List<string>();
        // Containers go through the API while the daemon still runs (it unmounts and deletes them as `docker rm -f` would).
        if (DaemonRunning)
        {
            try
            {
                foreach (var c in Api("GET", "/v1.41/containers/json?all=1").Json!.AsArray())
                {
                    var removed = Api("DELETE", $"/v1.41/containers/{(string)c!["Id"]!}?force=1");
                    if (removed.Status != 204) problems.Add($"rm -f {(string)c["Id"]!}: {removed}");
                }
            }
            catch (Exception e) { problems.Add("removing containers: " + e.Message); }
            StopDaemon();
        }
        // What a failed test may leave: monitors of our data root (started by our daemon), runtime state, mounts.
        foreach (int pid in KernelView.ProcessesMentioning(DataRoot))
        {
            problems.Add($"process {pid} still mentioned {DataRoot}: killed");
            HostRun.Run("kill", ["-KILL", pid.ToString()]);
        }
        if (Directory.Exists(RuntimeRoot))
            foreach (string state in Directory.GetDirectories(RuntimeRoot))
                HostRun.Run(Binary, ["--root", RuntimeRoot, "delete", "--force", Path.GetFileName(state)]);
        foreach (string mount in KernelView.MountsUnder(BaseDir).OrderByDescending(m => m.Length))
        {
            problems.Add($"{mount} was still mounted: unmounted");
            HostRun.Run("umount", ["-l", mount]);
        }
        foreach (string dir in new[] { BaseDir, RuntimeRoot })
        {
            try { if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true); }
            catch (Exception e) { problems.Add($"rm -r {dir}: {e.Message}"); }
        }
        if (problems.Count > 0) Console.Error.WriteLine("DaemonFixture cleanup: " + string.Join("; ", problems));
    }
}

/// <summary>All tests that use the daemon run one after another against the one fixture.</summary>
[CollectionDefinition("daemon")]
public sealed class DaemonCollection : ICollectionFixture<DaemonFixture> { }
