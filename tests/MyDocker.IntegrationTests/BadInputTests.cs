using System.Text.Json.Nodes;
using MyDocker.IntegrationTests.Harness;

namespace MyDocker.IntegrationTests;

/// <summary>Bad input gets one clear error line, a non-zero exit, and nothing left behind.</summary>
[Collection("runtime")]
public sealed class BadInputTests(RuntimeFixture fx) : IDisposable
{
    private readonly TestRuntime rt = new(fx);
    public void Dispose() => rt.Dispose();

    private void AssertCleanFailure(ExecResult r, string expectedFragment)
    {
        Assert.NotEqual(0, r.ExitCode);
        AssertReadable(r);
        var lines = r.Stderr.Trim().Split('\n');
        Assert.True(lines.Length == 1, "expected one error line, got:\n" + r.Stderr);
        Assert.StartsWith("mydocker: ", lines[0]);
        Assert.Contains(expectedFragment, lines[0]);
        Assert.Empty(rt.ContainerDirs());
    }

    /// <summary>
    /// No .NET text reaches the user: no resource key (the binary is built with UseSystemResourceKeys),
    /// no "strerror : 'path'" shape, no crash report or stack trace.
    /// </summary>
    private static void AssertReadable(ExecResult r)
    {
        foreach (string line in r.Stderr.Split('\n'))
        {
            Assert.False(line.Contains("IO_") || line.Contains("UnauthorizedAccess_") || line.Contains(" : '")
                || line.Contains("Unhandled") || line.StartsWith("   at "), "not a readable error line: " + line + "\n" + r);
        }
    }

    [Fact]
    public void Broken_json_names_the_file_and_the_place()
    {
        var r = rt.Mydocker("create", "--bundle", rt.RawBundle("{\"ociVersion\": \"1.0.2\", \"process\": {"), "broken");
        AssertCleanFailure(r, "config.json");
    }

    [Fact]
    public void A_wrong_type_names_the_json_path()
    {
        var r = rt.Mydocker("create", "--bundle", rt.RawBundle("{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"rootfs\"},\"process\":{\"cwd\":\"/\",\"args\":\"sh\"}}"), "typed");
        AssertCleanFailure(r, "process.args");
    }

    [Fact]
    public void A_missing_bundle_is_named()
    {
        var r = rt.Mydocker("create", "--bundle", "/nonexistent/bundle", "nob");
        AssertCleanFailure(r, "/nonexistent/bundle");
    }

    [Fact]
    public void A_missing_rootfs_is_named()
    {
        string bundle = rt.Bundle(["true"], c => c["root"]!["path"] = "/nonexistent/rootfs");
        AssertCleanFailure(rt.Mydocker("create", "--bundle", bundle, "noroot"), "root.path");
    }

    [Fact]
    public void A_missing_binary_fails_create_with_no_process_left()
    {
        string bundle = rt.Bundle(["/bin/definitely-not-here"]);
        var r = rt.Mydocker("create", "--bundle", bundle, "nobin");
        AssertCleanFailure(r, "definitely-not-here");
        // init carries its bundle in its environment: no process may be left that has this one.
        var leftovers = Directory.GetDirectories("/proc").Where(d => char.IsDigit(Path.GetFileName(d)[0]))
            .Where(d => Read(d + "/environ").Contains($"_MYDOCKER_BUNDLE={bundle}\0")).ToArray();
        Assert.Empty(leftovers);
    }

    private static string Read(string file)
    {
        try { return File.ReadAllText(file); }
        catch (IOException) { return ""; }
        catch (UnauthorizedAccessException) { return ""; }
    }

    [Fact]
    public void A_name_not_in_path_is_reported_like_execvp_would()
    {
        AssertCleanFailure(rt.Mydocker("create", "--bundle", rt.Bundle(["nosuchcommand"]), "nocmd"), "executable file not found in $PATH");
    }

    [Fact]
    public void Fields_the_host_cannot_honour_are_refused()
    {
        AssertCleanFailure(rt.Mydocker("create", "--bundle", rt.Bundle(["true"], c => c["linux"]!["intelRdt"] = new System.Text.Json.Nodes.JsonObject { ["closID"] = "x" }), "rdt"),
            "linux.intelRdt: Intel RDT is not supported");
        Assert.False(File.Exists("/sys/fs/selinux/enforce"), "this test expects a host without SELinux");
        AssertCleanFailure(rt.Mydocker("create", "--bundle", rt.Bundle(["true"], c => c["linux"]!["mountLabel"] = "system_u:object_r:container_file_t:s0"), "label"),
            "linux.mountLabel: SELinux is not enabled");
    }

    [Fact]
    public void With_log_format_json_the_error_is_the_last_json_line_of_the_log_file()
    {
        // containerd and dockerd show users the msg of the last {"level":"error"} line of --log.
        string log = Path.Combine(Path.GetTempPath(), $"mydocker-log-{Guid.NewGuid():N}.json");
        try
        {
            var r = Exec.Run(rt.Binary, ["--root", rt.Root, "--log", log, "--log-format", "json", "create", "--bundle", rt.Bundle(["/bin/nope"]), "logjson"]);
            Assert.NotEqual(0, r.ExitCode);
            var last = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllLines(log).Last())!;
            Assert.Equal("error", last["level"]!.GetValue<string>());
            Assert.Equal("process.args[0]: \"/bin/nope\": no such file or directory", last["msg"]!.GetValue<string>());
            Assert.True(DateTime.TryParse(last["time"]!.GetValue<string>(), out _));
            Assert.Empty(rt.ContainerDirs());
        }
        finally { File.Delete(log); }
    }

    [Fact]
    public void An_unknown_flag_and_a_missing_id_are_errors()
    {
        AssertCleanFailure(rt.Mydocker("create", "--bogus", "x"), "--bogus");
        AssertCleanFailure(rt.Mydocker("create", "--bundle", rt.Bundle(["true"])), "missing container ID");
    }

    // ---- issue 9, defect 8: every error a user sees is our own sentence ----

    [Fact]
    public void An_empty_flag_value_is_one_line_not_a_crash()
    {
        string b = rt.Bundle(["true"]);
        string[][] cases =
        [
            ["create", "--bundle=", "e1"],
            ["create", "--bundle", "", "e2"],
            ["create", "--pid-file=", "--bundle", b, "e3"],
            ["create", "--console-socket=", "--bundle", b, "e4"],
            ["run", "--bundle=", "e5"],
            ["--root=", "list"],
            ["--log=", "list"],
            ["exec", "--process=", "e6"],
            ["exec", "--pid-file=", "e6", "true"],
            ["exec", "--cwd=", "e6", "true"],
            ["update", "--resources=", "e6"],
            ["spec", "--bundle="],
        ];
        foreach (var args in cases)
        {
            var r = rt.Mydocker(args);
            string flag = args.First(a => a.StartsWith("--") && (a.EndsWith('=') || a == "--bundle")).TrimEnd('=');
            AssertCleanFailure(r, $"flag {flag} needs a non-empty value");
        }
    }

    [Fact]
    public void A_pid_file_in_a_missing_directory_is_named_and_nothing_is_left()
    {
        string bundle = rt.Bundle(["true"]);
        var r = rt.Mydocker("create", "--pid-file", "/nonexistent-mydocker/dir/pid", "--bundle", bundle, "pidf");
        AssertCleanFailure(r, "mydocker: --pid-file /nonexistent-mydocker/dir/pid: No such file or directory");
        Assert.Empty(InitsOf(bundle));
    }

    [Fact]
    public void A_state_root_on_a_read_only_filesystem_is_named()
    {
        using var ro = new ReadOnlyView(Directory.CreateTempSubdirectory("mydocker-empty-").FullName, removeSource: true);
        var r = Exec.Run(rt.Binary, ["--root", $"{ro.Path}/state", "create", "--bundle", rt.Bundle(["true"]), "rostate"]);
        AssertCleanFailure(r, $"mydocker: creating the state root {ro.Path}/state (--root): Read-only file system");
    }

    [Fact]
    public void A_mount_destination_or_cwd_on_a_read_only_rootfs_and_a_missing_bind_source_are_sentences()
    {
        using var ro = new ReadOnlyView(fx.Rootfs);
        AssertCleanFailure(rt.Mydocker("create", "--bundle", rt.Bundle(["true"], c =>
        {
            c["root"]!["path"] = ro.Path;
            c["mounts"]!.AsArray().Add(new JsonObject { ["destination"] = "/newdir", ["type"] = "tmpfs", ["source"] = "tmpfs" });
        }), "rodest"), "mounts[7]: destination /newdir: mkdir /newdir: Read-only file system");
        AssertCleanFailure(rt.Mydocker("create", "--bundle", rt.Bundle(["true"], c =>
        {
            c["root"]!["path"] = ro.Path;
            c["process"]!["cwd"] = "/newcwd";
        }), "rocwd"), "mydocker: process.cwd /newcwd: mkdir /newcwd: Read-only file system");
        AssertCleanFailure(rt.Mydocker("create", "--bundle", rt.Bundle(["true"], c =>
            c["mounts"]!.AsArray().Add(new JsonObject { ["destination"] = "/mnt", ["type"] = "bind", ["source"] = "/nonexistent-mydocker/src", ["options"] = new JsonArray("rbind") })), "nosrc"),
            "mydocker: mounts[7]: bind source /nonexistent-mydocker/src: No such file or directory");
    }

    [Fact]
    public void Exec_with_a_missing_cwd_reports_it_once()
    {
        Assert.Equal(0, rt.Mydocker("create", "--bundle", rt.Bundle(["sleep", "60"]), "ecwd").ExitCode);
        Assert.Equal(0, rt.Mydocker("start", "ecwd").ExitCode);
        var r = rt.Mydocker("exec", "--cwd", "/nonexistent-mydocker", "ecwd", "true");
        Assert.NotEqual(0, r.ExitCode);
        AssertReadable(r);
        Assert.Equal("mydocker: process.cwd: chdir /nonexistent-mydocker: No such file or directory\n", r.Stderr);
        var dir = rt.Mydocker("exec", "ecwd", "/bin");
        AssertReadable(dir);
        Assert.Equal("mydocker: process.args[0]: \"/bin\": is a directory\n", dir.Stderr);
    }

    // ---- issue 9, defect 9: texts that say what really happened ----

    [Fact]
    public void A_directory_as_args0_is_a_directory()
    {
        AssertCleanFailure(rt.Mydocker("create", "--bundle", rt.Bundle(["/bin"]), "dirarg"), "mydocker: process.args[0]: \"/bin\": is a directory");
    }

    [Fact]
    public void A_symlink_loop_is_too_many_levels_of_symbolic_links_for_args0_cwd_and_mounts()
    {
        // /home of the container is a host directory holding a -> b, b -> a.
        string loops = Directory.CreateTempSubdirectory("mydocker-loops-").FullName;
        try
        {
            File.CreateSymbolicLink(Path.Combine(loops, "a"), "b");
            File.CreateSymbolicLink(Path.Combine(loops, "b"), "a");
            void Loops(JsonObject c) => c["mounts"]!.AsArray().Add(new JsonObject { ["destination"] = "/home", ["type"] = "bind", ["source"] = loops, ["options"] = new JsonArray("rbind") });
            AssertCleanFailure(rt.Mydocker("create", "--bundle", rt.Bundle(["/home/a"], Loops), "loop1"),
                "mydocker: process.args[0]: \"/home/a\": too many levels of symbolic links");
            AssertCleanFailure(rt.Mydocker("create", "--bundle", rt.Bundle(["true"], c => { Loops(c); c["process"]!["cwd"] = "/home/a"; }), "loop2"),
                "mydocker: process.cwd /home/a: too many levels of symbolic links");
            AssertCleanFailure(rt.Mydocker("create", "--bundle", rt.Bundle(["true"], c =>
            {
                Loops(c);
                c["mounts"]!.AsArray().Add(new JsonObject { ["destination"] = "/home/a/x", ["type"] = "tmpfs", ["source"] = "tmpfs" });
            }), "loop3"), "mydocker: mounts[8]: destination /home/a/x: too many levels of symbolic links");
        }
        finally { Directory.Delete(loops, recursive: true); }
    }

    [Fact]
    public void A_root_path_that_is_the_hosts_root_is_refused_before_anything_starts()
    {
        string link = Path.Combine(Directory.CreateTempSubdirectory("mydocker-rootlink-").FullName, "root");
        try
        {
            File.CreateSymbolicLink(link, "/");
            AssertCleanFailure(rt.Mydocker("create", "--bundle", rt.Bundle(["true"], c => c["root"]!["path"] = link), "hostroot1"),
                $"mydocker: config.json: root.path: {link} resolves to the host's root \"/\"");
            AssertCleanFailure(rt.Mydocker("create", "--bundle", rt.Bundle(["true"], c => c["root"]!["path"] = "/"), "hostroot2"),
                "mydocker: config.json: root.path: / resolves to the host's root \"/\"");
        }
        finally { Directory.Delete(Path.GetDirectoryName(link)!, recursive: true); }
    }

    [Fact]
    public void A_long_id_is_shortened_in_errors_and_the_rule_is_stated()
    {
        string id = new('a', 1000);
        var r = rt.Mydocker("create", "--bundle", rt.Bundle(["true"]), id);
        AssertCleanFailure(r, $"mydocker: invalid container ID \"{new string('a', 64)}…\" (1000 characters): longer than 255 characters");
        Assert.Contains("letters, digits and _+-.", r.Stderr);
        Assert.True(r.Stderr.Length < 250, r.Stderr);
        var state = rt.Mydocker("state", new string('b', 300));
        AssertCleanFailure(state, "(300 characters)");
        Assert.True(state.Stderr.Length < 250, state.Stderr);
    }

    [Fact]
    public void A_missing_cwd_is_made_like_runc_does_owned_by_root_0755_even_for_another_user()
    {
        string umask = Exec.Run("/bin/sh", ["-c", "umask"]).Stdout.Trim();
        string mode = Convert.ToString(0x1ED & ~Convert.ToInt32(umask, 8), 8);
        // /tmp is the example config's tmpfs: nothing is created in the shared rootfs.
        var r = rt.Run(["sh", "-c", "pwd; stat -c '%a %u' . .."], c =>
        {
            c["process"]!["cwd"] = "/tmp/new/dir";
            c["process"]!["user"]!["uid"] = 1000;
        });
        Assert.True(r.ExitCode == 0, r.ToString());
        AssertReadable(r);
        Assert.Equal($"/tmp/new/dir\n{mode} 0\n{mode} 0\n", r.Stdout);
    }

    [Fact]
    public void A_cwd_through_symlinks_stays_inside_the_container()
    {
        string dir = Directory.CreateTempSubdirectory("mydocker-cwdlinks-").FullName;
        string name = $"mydocker-cwd-{Guid.NewGuid():N}";
        try
        {
            File.CreateSymbolicLink(Path.Combine(dir, "up"), "../../../../../../../../tmp");
            File.CreateSymbolicLink(Path.Combine(dir, "abs"), "/tmp");
            void Links(JsonObject c) => c["mounts"]!.AsArray().Add(new JsonObject { ["destination"] = "/home", ["type"] = "bind", ["source"] = dir, ["options"] = new JsonArray("rbind") });

            AssertCleanFailure(rt.Mydocker("create", "--bundle", rt.Bundle(["true"], c => { Links(c); c["process"]!["cwd"] = $"/home/up/{name}"; }), "up"),
                $"mydocker: process.cwd /home/up/{name} escapes the rootfs through symlink /home/up");
            // An absolute target means the container's /tmp (its tmpfs), never the host's.
            var r = rt.Run(["pwd"], c => { Links(c); c["process"]!["cwd"] = $"/home/abs/{name}"; });
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Equal($"/tmp/{name}\n", r.Stdout);
            Assert.False(Directory.Exists($"/tmp/{name}"), "the cwd was created on the host");
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    private static string[] InitsOf(string bundle) => Directory.GetDirectories("/proc").Where(d => char.IsDigit(Path.GetFileName(d)[0]))
        .Where(d => Read(d + "/environ").Contains($"_MYDOCKER_BUNDLE={bundle}\0")).ToArray();

    /// <summary>A read-only bind mount of a directory: a read-only filesystem, made and removed by the test.</summary>
    private sealed class ReadOnlyView : IDisposable
    {
        private readonly string? _removeSource;
        public string Path { get; } = Directory.CreateTempSubdirectory("mydocker-ro-").FullName;

        public ReadOnlyView(string source, bool removeSource = false)
        {
            _removeSource = removeSource ? source : null;
            Mount("--bind", source, Path);
            Mount("-o", "remount,bind,ro", Path);
        }

        private static void Mount(params string[] args)
        {
            var r = Exec.Run("mount", args);
            Assert.True(r.ExitCode == 0, r.ToString());
        }

        public void Dispose()
        {
            Exec.Run("umount", [Path]);
            Directory.Delete(Path);
            if (_removeSource != null) Directory.Delete(_removeSource, recursive: true);
        }
    }
}
