using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MyDocker.IntegrationTests.Harness;

namespace MyDocker.IntegrationTests;

/// <summary>
/// Issue 9, point 2: malformed and hostile bundles, command lines and state directories. Each case
/// gets its exit code and exactly one stderr line, and the host is checked before and after with a
/// <see cref="HostSnapshot"/>: mounts, cgroups, processes, zombies, our fds, the state root, and
/// sentinel files in and around the bundle. Every case also has an unrelated live process (a
/// `sleep`): forged state points at it, and it must survive every verb.
/// The cases are in <see cref="HostileCases"/>.
/// </summary>
[Collection("runtime")]
public sealed class HostileInputTests(RuntimeFixture fx)
{
    public static TheoryData<string> Cases => new(HostileCases.All.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Cases))]
    public void Gets_one_error_line_and_leaves_the_host_as_it_was(string name)
    {
        var c = HostileCases.All.Single(x => x.Name == name);
        using var bed = new HostileBed(fx);
        var start = HostSnapshot.Take(bed.Watch);
        c.Setup?.Invoke(bed);
        var prepared = HostSnapshot.Take(bed.Watch);

        var r = bed.Mydocker(c.Args(bed));

        string expected = bed.Expand(c.Stderr);
        Assert.True(r.ExitCode == c.Exit && Matches(expected, r.Stderr),
            $"expected exit {c.Exit} and stderr {(c.Stderr.Length == 0 ? "empty" : "/" + expected + "/")}, got {r}");
        Assert.True(bed.Unrelated.IsAlive, $"the unrelated process {bed.Unrelated.Pid} was killed");
        c.Check?.Invoke(bed, r);
        if (c.Then != null)
        {
            var then = bed.Mydocker(c.Then(bed));
            Assert.True(then.ExitCode == 0, $"{string.Join(' ', c.Then(bed))}: {then}");
        }
        switch (c.After)
        {
            case After.Unchanged:
                HostSnapshot.AssertReturnsTo(prepared, what: $"({name})");
                break;
            case After.Restored:
                // Only what the setup itself wrote into the bundle (a config.json) may stay.
                HostSnapshot.AssertReturnsTo(start, what: $"({name}: everything set up should be gone)",
                    expected: d => d.StartsWith($"files: + {bed.Bundle}/", StringComparison.Ordinal));
                break;
            case After.StateDirRemoved:
                Assert.False(Directory.Exists(bed.StateDir) || File.Exists(bed.StateDir), $"{bed.StateDir} is still there");
                HostSnapshot.AssertReturnsTo(prepared, what: $"({name})",
                    expected: d => d.StartsWith($"files: - {bed.StateDir} ", StringComparison.Ordinal) || d.StartsWith($"files: - {bed.StateDir}/", StringComparison.Ordinal));
                break;
        }
    }

    /// <summary>Empty expected: stderr is empty. Otherwise stderr is exactly one line matching the pattern.</summary>
    private static bool Matches(string pattern, string stderr)
    {
        if (pattern.Length == 0) return stderr.Length == 0;
        if (!stderr.EndsWith('\n') || stderr.IndexOf('\n') != stderr.Length - 1) return false;
        return Regex.IsMatch(stderr[..^1], "^" + pattern + "$", RegexOptions.Singleline);
    }
}

/// <summary>What the host must look like after the command: as after setup, as before setup, or as after setup without the state dir.</summary>
public enum After { Unchanged, Restored, StateDirRemoved }

/// <summary>
/// One hostile input: a setup (bundle, state corruption...), the command line, the exit code, the
/// stderr line — a regex after <see cref="HostileBed.Expand"/>: literal text, with {id}, {bundle},
/// {root}, {state}, {dir}, {pid} (of the unrelated process) and {n} (digits), {any} (anything).
/// Then: an optional command that must succeed afterwards (deleting a container the case made).
/// </summary>
public sealed record HostileCase(
    string Name, Action<HostileBed>? Setup, Func<HostileBed, string[]> Args, int Exit, string Stderr,
    After After = After.Unchanged, Action<HostileBed, ExecResult>? Check = null, Func<HostileBed, string[]>? Then = null);

/// <summary>
/// One case's world: a unique container ID, a state root, a temp dir with the bundle (config.json
/// from bundles/example on the shared rootfs, or on a private copy), sentinel files (one in the
/// bundle, one next to the rootfs, one in outside/ where hostile symlinks point) and the unrelated
/// process. Everything is removed at the end, also what a failing runtime left.
/// </summary>
public sealed class HostileBed : IDisposable
{
    private readonly RuntimeFixture _fx;
    private readonly TestRuntime _rt;
    private readonly List<string> _cgroups = new();
    private (int Pid, ulong Start)? _container;

    public string Id { get; } = "h" + Guid.NewGuid().ToString("N")[..12];
    public string Dir { get; }
    public string Bundle { get; }
    /// <summary>Where hostile symlinks point: a directory of the host next to the bundle, with a sentinel file.</summary>
    public string Outside { get; }
    public string Rootfs { get; private set; }
    public string Root => _rt.Root;
    public string StateDir => Path.Combine(Root, Id);
    public UnrelatedProcess Unrelated { get; }
    public HostWatch Watch { get; }

    public HostileBed(RuntimeFixture fx)
    {
        _fx = fx;
        _rt = new TestRuntime(fx);
        Dir = Directory.CreateTempSubdirectory("mydocker-hostile-").FullName;
        File.SetUnixFileMode(Dir, (UnixFileMode)0x1ED);
        Bundle = Path.Combine(Dir, "bundle");
        Outside = Path.Combine(Dir, "outside");
        Directory.CreateDirectory(Bundle);
        Directory.CreateDirectory(Outside);
        File.WriteAllText(Path.Combine(Bundle, "sentinel"), "in the bundle\n");
        File.WriteAllText(Path.Combine(Outside, "sentinel"), "outside the rootfs\n");
        File.WriteAllText(Path.Combine(Dir, "sentinel"), "next to the rootfs\n");
        Rootfs = fx.Rootfs;
        Directory.CreateDirectory(Root);
        Unrelated = new UnrelatedProcess(Dir);
        // The rootfs is not watched: a container may make mount points inside its own rootfs.
        Watch = new HostWatch(Id, Dir, Root, fx.Rootfs).Tree(Bundle, Outside, Root).File(Path.Combine(Dir, "sentinel"));
    }

    public ExecResult Mydocker(params string[] args) => Exec.Run(_fx.Binary, ["--root", Root, .. args]);

    /// <summary>The case's pattern as a regex: literal text, placeholders for this bed's values.</summary>
    public string Expand(string pattern)
    {
        var values = new Dictionary<string, string>
        {
            ["id"] = Regex.Escape(Id), ["bundle"] = Regex.Escape(Bundle), ["root"] = Regex.Escape(Root),
            ["state"] = Regex.Escape(StateDir), ["dir"] = Regex.Escape(Dir), ["dirname"] = Regex.Escape(Path.GetFileName(Dir)), ["pid"] = Unrelated.Pid.ToString(),
            ["n"] = @"\d+", ["any"] = ".*",
        };
        var sb = new StringBuilder();
        foreach (var part in Regex.Split(pattern, @"(\{[a-z]+\})"))
            sb.Append(part.Length > 2 && part[0] == '{' && values.TryGetValue(part[1..^1], out var v) ? v : Regex.Escape(part));
        return sb.ToString();
    }

    /// <summary>A private, writable copy of the rootfs in the bed's dir (for symlinks and files the case plants).</summary>
    public string PrivateRootfs()
    {
        Rootfs = Path.Combine(Dir, "rootfs");
        var r = Exec.Run("/bin/cp", ["-a", _fx.Rootfs, Rootfs]);
        if (r.ExitCode != 0) throw new InvalidOperationException($"cp: {r}");
        return Rootfs;
    }

    /// <summary>config.json: bundles/example on this bed's rootfs, no terminal, cwd /, args ["true"], then <paramref name="edit"/>.</summary>
    public void Config(Action<JsonObject>? edit = null, params string[] args)
    {
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(_fx.RepoRoot, "bundles", "example", "config.json")))!.AsObject();
        config["root"]!["path"] = Rootfs;
        config["root"]!["readonly"] = Rootfs == _fx.Rootfs; // the shared rootfs stays read-only
        config["process"]!["terminal"] = false;
        config["process"]!["cwd"] = "/";
        config["process"]!["args"] = new JsonArray((args.Length == 0 ? ["true"] : args).Select(a => (JsonNode)JsonValue.Create(a)!).ToArray());
        edit?.Invoke(config);
        File.WriteAllText(Path.Combine(Bundle, "config.json"), config.ToJsonString());
    }

    public void RawConfig(string text) => File.WriteAllText(Path.Combine(Bundle, "config.json"), text);
    public void RawConfig(byte[] bytes) => File.WriteAllBytes(Path.Combine(Bundle, "config.json"), bytes);
    public string ConfigText() => File.ReadAllText(Path.Combine(Bundle, "config.json"));

    /// <summary>A real container (created, init waiting on exec.fifo), remembered so Dispose can clean up whatever the case did to its state.</summary>
    public void CreateContainer(Action<JsonObject>? edit = null, params string[] args)
    {
        Config(edit, args.Length == 0 ? ["sleep", "1000"] : args);
        var r = Mydocker("create", "--bundle", Bundle, Id);
        if (r.ExitCode != 0) throw new InvalidOperationException($"create: {r}");
        var state = JsonNode.Parse(File.ReadAllText(Path.Combine(StateDir, "state.json")))!;
        _container = (state["pid"]!.GetValue<int>(), state["pidStartTime"]!.GetValue<ulong>());
    }

    public string StateFile => Path.Combine(StateDir, "state.json");

    /// <summary>A state directory made by hand: state.json with this text, config.json (the bundle's), optionally exec.fifo.</summary>
    public void FakeState(string stateJson, bool config = true, bool fifo = false)
    {
        Directory.CreateDirectory(StateDir);
        File.WriteAllText(StateFile, stateJson);
        if (config)
        {
            // What create saves: the bundle's config (made here, not in the bundle, which the case may have left empty).
            string saved = Path.Combine(StateDir, "config.json");
            if (File.Exists(Path.Combine(Bundle, "config.json"))) File.Copy(Path.Combine(Bundle, "config.json"), saved);
            else { Config(); File.Move(Path.Combine(Bundle, "config.json"), saved); }
        }
        if (fifo && Exec.Run("/usr/bin/mkfifo", [Path.Combine(StateDir, "exec.fifo")]).ExitCode != 0)
            throw new InvalidOperationException("mkfifo failed");
    }

    /// <summary>A well-formed state.json as create writes it, with the given pid and start time; cgroups named as the default ones would be (they do not exist).</summary>
    public string Record(int pid, ulong startTime, string? cgroupPaths = null) =>
        $$"""{"id":"{{Id}}","bundle":"{{Bundle}}","rootfs":"{{Rootfs}}","pid":{{pid}},"pidStartTime":{{startTime}},"created":"2025-01-01T00:00:00.0000000Z","owner":0,"hasPoststartHooks":false,"hasPoststopHooks":false,"cgroupPaths":{{cgroupPaths ?? $"[\"/sys/fs/cgroup/pids/mydocker/{Id}\",\"/sys/fs/cgroup/memory/mydocker/{Id}\"]"}},"mountsInHostNamespace":false,"hasProcess":true}""";

    /// <summary>A cgroup this bed makes (removed at the end).</summary>
    public string MakeCgroup(string path)
    {
        Directory.CreateDirectory(path);
        _cgroups.Add(path);
        return path;
    }

    public void Dispose()
    {
        // A container whose state the case broke: kill its init if the runtime could not.
        if (_container is var (pid, start) && HostSnapshot.Stat(pid) is { } st && st.StartTime == start)
            Exec.Run("/bin/kill", ["-9", pid.ToString()]);
        _rt.Dispose(); // delete --force of every container left, then the state root
        foreach (string h in Directory.GetDirectories("/sys/fs/cgroup"))
        {
            string leftover = Path.Combine(h, "mydocker", Id);
            for (int i = 0; i < 100 && Directory.Exists(leftover); i++)
            {
                try { Directory.Delete(leftover); } catch (IOException) { Thread.Sleep(20); }
            }
        }
        Unrelated.Dispose();
        foreach (string cg in _cgroups) { try { Directory.Delete(cg); } catch (IOException) { } }
        Directory.Delete(Dir, recursive: true);
    }
}
