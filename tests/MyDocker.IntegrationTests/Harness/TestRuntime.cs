using System.Text.Json.Nodes;

namespace MyDocker.IntegrationTests.Harness;

/// <summary>
/// Per test: its own state root (/run/mydocker-test-*) and bundles in a temp dir. Dispose force-deletes
/// every container the test left and checks that nothing remains (state dirs, processes).
/// </summary>
public sealed class TestRuntime : IDisposable
{
    private readonly RuntimeFixture _fx;
    public string Root { get; } = $"/run/mydocker-test-{Guid.NewGuid():N}"[..31];
    private readonly string _bundles = Directory.CreateTempSubdirectory("mydocker-bundles-").FullName;
    private int _next;

    public TestRuntime(RuntimeFixture fx)
    {
        _fx = fx;
        File.SetUnixFileMode(_bundles, (UnixFileMode)0x1ED /* 0755: see RuntimeFixture */);
    }

    public string Binary => _fx.Binary;

    public ExecResult Mydocker(params string[] args) => Exec.Run(_fx.Binary, ["--root", Root, .. args]);

    public ExecResult MydockerWithInput(string stdin, params string[] args) => Exec.Run(_fx.Binary, ["--root", Root, .. args], stdin);

    /// <summary>
    /// A bundle whose config is bundles/example/config.json with terminal off, the shared test rootfs,
    /// and the given args; `edit` changes anything else.
    /// </summary>
    public string Bundle(string[] args, Action<JsonObject>? edit = null)
    {
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(_fx.RepoRoot, "bundles", "example", "config.json")))!.AsObject();
        config["root"]!["path"] = _fx.Rootfs;
        config["root"]!["readonly"] = true; // the rootfs is shared by all tests
        config["process"]!["terminal"] = false;
        config["process"]!["cwd"] = "/";
        config["process"]!["args"] = new JsonArray(args.Select(a => (JsonNode)JsonValue.Create(a)!).ToArray());
        edit?.Invoke(config);
        string dir = Path.Combine(_bundles, $"b{_next++}");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "config.json"), config.ToJsonString());
        return dir;
    }

    /// <summary>A bundle with a raw config.json text (for broken-config tests).</summary>
    public string RawBundle(string configJson)
    {
        string dir = Path.Combine(_bundles, $"b{_next++}");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "config.json"), configJson);
        return dir;
    }

    /// <summary>`run` a one-shot container and return its output.</summary>
    public ExecResult Run(string[] args, Action<JsonObject>? edit = null) =>
        Mydocker("run", "--bundle", Bundle(args, edit), $"c{Guid.NewGuid():N}"[..12]);

    /// <summary>The containers' directories in the state root. Not the compiled-seccomp cache (Seccomp/SeccompCache, "@seccomp-cache"): it outlives containers on purpose.</summary>
    public string[] ContainerDirs() => Directory.Exists(Root)
        ? Directory.GetDirectories(Root).Where(d => Path.GetFileName(d) != "@seccomp-cache").ToArray()
        : [];

    public void Dispose()
    {
        if (Directory.Exists(Root))
        {
            foreach (var dir in Directory.GetDirectories(Root))
                Exec.Run(_fx.Binary, ["--root", Root, "delete", "--force", Path.GetFileName(dir)]);
            Directory.Delete(Root, recursive: true);
        }
        Directory.Delete(_bundles, recursive: true);
    }
}
