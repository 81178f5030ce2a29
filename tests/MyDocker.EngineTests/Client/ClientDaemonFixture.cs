using System.Diagnostics;
using System.Net.Sockets;

namespace MyDocker.EngineTests.Client;

/// <summary>
/// A real daemon for the client tests: `out/mydocker daemon` (from `make build`) on a private socket,
/// data root and runtime root, with the busybox root filesystem of scripts/make-rootfs.sh imported as
/// busybox:latest (CMD ["sh"]). The client under test is the JIT mydocker-engine beside this test
/// assembly (always the current code); MYDOCKER_TEST_ENGINE=out/mydocker-engine tests the AOT client.
/// MYDOCKER_TEST_DAEMON=PATH runs another engine binary as the daemon (`PATH daemon ...`).
/// Dispose removes every container, stops the daemon, unmounts what is left under the data root,
/// and checks that the runtime root lists no container.
/// </summary>
public sealed class ClientDaemonFixture : IDisposable
{
    public string RepoRoot { get; }
    public string Runtime { get; }
    public string ClientBinary { get; }
    public string Socket { get; }
    public string DataRoot { get; }
    public string RuntimeRoot { get; }
    private readonly string _tempDir;
    private readonly Process _daemon;

    public ClientDaemonFixture()
    {
        RepoRoot = FindRepoRoot();
        Runtime = Path.Combine(RepoRoot, "out", "mydocker");
        if (!File.Exists(Runtime)) throw new InvalidOperationException($"{Runtime} is missing: run `make build` first (these tests start a real daemon)");
        ClientBinary = Environment.GetEnvironmentVariable("MYDOCKER_TEST_ENGINE") is { Length: > 0 } e
            ? Path.GetFullPath(e, RepoRoot) : Path.Combine(AppContext.BaseDirectory, "mydocker-engine");
        if (!File.Exists(ClientBinary)) throw new InvalidOperationException($"{ClientBinary} is missing");

        _tempDir = Directory.CreateTempSubdirectory("mydocker-cltest-").FullName;
        // 0755, not the temp directory's 0700: the containers' root (uid 100000 in a user namespace) walks through it.
        File.SetUnixFileMode(_tempDir, (UnixFileMode)0x1ed);
        Socket = Path.Combine(_tempDir, "d.sock");
        DataRoot = Path.Combine(_tempDir, "data");
        RuntimeRoot = "/run/mydocker-cltest-" + Guid.NewGuid().ToString("N")[..10];

        var psi = Environment.GetEnvironmentVariable("MYDOCKER_TEST_DAEMON") is { Length: > 0 } d
            ? new ProcessStartInfo(Path.GetFullPath(d, RepoRoot)) { ArgumentList = { "daemon", "--runtime", Runtime } }
            : new ProcessStartInfo(Runtime) { ArgumentList = { "daemon" } };
        foreach (string a in new[] { "--socket", Socket, "--data-root", DataRoot, "--runtime-root", RuntimeRoot, "--log", Path.Combine(_tempDir, "daemon.log") })
            psi.ArgumentList.Add(a);
        psi.RedirectStandardOutput = psi.RedirectStandardError = true;
        _daemon = Process.Start(psi)!;
        WaitForSocket();

        string rootfs = Path.Combine(_tempDir, "rootfs");
        Check(Run("sh", [Path.Combine(RepoRoot, "scripts", "make-rootfs.sh"), rootfs]), "make-rootfs.sh");
        string tar = Path.Combine(_tempDir, "busybox.tar");
        Check(Run("tar", ["-C", rootfs, "-cf", tar, "."]), "tar");
        Check(Client(["image", "import", "--change", "CMD [\"sh\"]", tar, "busybox:latest"]), "image import");
    }

    private void WaitForSocket()
    {
        var clock = Stopwatch.StartNew();
        while (clock.ElapsedMilliseconds < 20000)
        {
            if (_daemon.HasExited) throw new InvalidOperationException($"the daemon exited with {_daemon.ExitCode}: {_daemon.StandardError.ReadToEnd()}");
            try
            {
                using var s = new System.Net.Sockets.Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                s.Connect(new UnixDomainSocketEndPoint(Socket));
                return;
            }
            catch (SocketException) { Thread.Sleep(50); }
        }
        throw new InvalidOperationException($"the daemon did not listen on {Socket} within 20 s");
    }

    private static void Check(Result r, string what)
    {
        if (r.Code != 0) throw new InvalidOperationException($"{what} failed ({r.Code}): {r.Stdout}{r.Stderr}");
    }

    public sealed record Result(int Code, string Stdout, string Stderr);

    /// <summary>Runs the client with DOCKER_HOST pointing at this daemon; stdin is <paramref name="input"/> (or empty).</summary>
    public Result Client(IEnumerable<string> args, string? input = null, int timeoutMs = 20000, string? host = null)
    {
        var psi = new ProcessStartInfo(ClientBinary) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["DOCKER_HOST"] = host ?? "unix://" + Socket;
        return RunProcess(psi, input, timeoutMs);
    }

    public static Result Run(string program, IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        return RunProcess(psi, null, 60000);
    }

    private static Result RunProcess(ProcessStartInfo psi, string? input, int timeoutMs)
    {
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (input != null) p.StandardInput.Write(input);
        p.StandardInput.Close();
        if (!p.WaitForExit(timeoutMs))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            throw new TimeoutException($"{psi.FileName} {string.Join(' ', psi.ArgumentList)} did not finish within {timeoutMs} ms; stdout so far: {stdout.Result}");
        }
        p.WaitForExit();
        return new Result(p.ExitCode, stdout.Result, stderr.Result);
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
        try
        {
            var ids = Client(["container", "ls", "-aq", "--no-trunc"]).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            if (ids.Length > 0) Client(["container", "rm", "-f", .. ids]);
        }
        catch (Exception e) { problems.Add("removing containers: " + e.Message); }
        if (!_daemon.HasExited)
        {
            _daemon.Kill(); // SIGKILL: the containers are already gone; the daemon keeps no state in memory
            _daemon.WaitForExit();
        }
        _daemon.Dispose();
        // Overlay mounts a crashed test may have left, deepest first.
        foreach (string line in File.ReadAllLines("/proc/self/mounts").Reverse())
        {
            string mountPoint = line.Split(' ')[1];
            if (mountPoint.StartsWith(_tempDir + "/", StringComparison.Ordinal)) Run("umount", ["-l", mountPoint]);
        }
        var list = Run(Runtime, ["--root", RuntimeRoot, "list", "-q"]);
        if (list.Stdout.Trim().Length > 0) problems.Add($"the runtime root still lists containers: {list.Stdout}");
        try { Directory.Delete(_tempDir, recursive: true); } catch (Exception e) { problems.Add(e.Message); }
        try { if (Directory.Exists(RuntimeRoot)) Directory.Delete(RuntimeRoot, recursive: true); } catch (Exception e) { problems.Add(e.Message); }
        if (problems.Count > 0) throw new InvalidOperationException("client test clean-up: " + string.Join("; ", problems));
    }
}

[CollectionDefinition("client")]
public sealed class ClientCollection : ICollectionFixture<ClientDaemonFixture> { }
