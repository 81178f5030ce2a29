using System.Text.Json.Nodes;
using MyDocker.IntegrationTests.Harness;

namespace MyDocker.IntegrationTests;

/// <summary>
/// `mydocker` run by a user without root (issue 12, rootless): state under $XDG_RUNTIME_DIR/mydocker,
/// `spec --rootless`'s config (the user's uid and gid mapped to 0 in a user namespace), no cgroup
/// when none is delegated (one warning), a slirp4netns network. Each test creates a user of its own and deletes it after.
/// </summary>
[Collection("runtime")]
public sealed class RootlessTests(RuntimeFixture fx) : IDisposable
{
    private readonly string _user = "mdrl" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _bundle = Path.Combine(Path.GetTempPath(), "mydocker-rootless-" + Guid.NewGuid().ToString("N")[..8]);
    private int _uid = -1;
    private bool _madeRunUser;
    private string XdgDir => $"/run/user/{_uid}";

    /// <summary>The test's user; with <paramref name="subordinate"/>, useradd gives it ranges in /etc/subuid and /etc/subgid (login.defs' SUB_UID_COUNT), else none.</summary>
    private void Setup(bool subordinate = false)
    {
        string[] ranges = subordinate ? [] : ["-K", "SUB_UID_COUNT=0", "-K", "SUB_GID_COUNT=0"];
        var add = Exec.Run("useradd", ["-M", "-s", "/bin/sh", .. ranges, _user]);
        Assert.True(add.ExitCode == 0, add.ToString());
        _uid = int.Parse(Exec.Run("id", ["-u", _user]).Stdout.Trim());
        _madeRunUser = !Directory.Exists("/run/user");
        Directory.CreateDirectory(XdgDir);
        Directory.CreateDirectory(_bundle);
        foreach (string dir in new[] { XdgDir, _bundle })
            Assert.Equal(0, Exec.Run("chown", [$"{_user}:", dir]).ExitCode);
        File.SetUnixFileMode(XdgDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>`mydocker ARGS` as the test's user, with XDG_RUNTIME_DIR set as a login would.</summary>
    private ExecResult AsUser(params string[] args) =>
        Exec.Run("runuser", ["-u", _user, "--", "env", $"XDG_RUNTIME_DIR={XdgDir}", fx.Binary, .. args]);

    /// <summary>`spec --rootless [SPECARGS]` as the user, with the shared busybox rootfs and ARGS as the process.</summary>
    private void Spec(string[] processArgs, params string[] specArgs)
    {
        var spec = AsUser(["spec", "--rootless", "--bundle", _bundle, .. specArgs]);
        Assert.True(spec.ExitCode == 0, spec.ToString());
        string file = Path.Combine(_bundle, "config.json");
        var config = JsonNode.Parse(File.ReadAllText(file))!;
        Assert.StartsWith($"[{{\"containerID\":0,\"hostID\":{_uid},\"size\":1}}", config["linux"]!["uidMappings"]!.ToJsonString());
        config["root"]!["path"] = fx.Rootfs;
        config["process"]!["terminal"] = false;
        config["process"]!["args"] = new JsonArray(processArgs.Select(a => (JsonNode)a).ToArray());
        File.WriteAllText(file, config.ToJsonString());
    }

    [Fact]
    public void A_user_runs_a_container_as_root_inside_and_itself_outside()
    {
        Setup();
        Spec(["sh", "-c", "id -u; cat /proc/self/uid_map; echo $$"]);
        var r = AsUser("run", "--bundle", _bundle, "rl1");
        Assert.True(r.ExitCode == 0, r.ToString());
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("0", lines[0].Trim());
        Assert.Equal(["0", _uid.ToString(), "1"], lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("1", lines[2].Trim());
        // No cgroup is delegated to this user: one line says so, and that is all.
        string warning = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"uid {_uid} may not create cgroups", warning);
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(XdgDir, "mydocker")));
    }

    [Fact]
    public void Create_start_state_delete_keep_the_state_in_XDG_RUNTIME_DIR()
    {
        Setup();
        Spec(["sleep", "30"]);
        var create = AsUser("create", "--bundle", _bundle, "rl2");
        Assert.True(create.ExitCode == 0, create.ToString());
        Assert.True(File.Exists(Path.Combine(XdgDir, "mydocker", "rl2", "state.json")));
        Assert.Contains("\"status\": \"created\"", AsUser("state", "rl2").Stdout);
        Assert.Equal(0, AsUser("start", "rl2").ExitCode);
        var state = JsonNode.Parse(AsUser("state", "rl2").Stdout)!;
        Assert.Equal("running", (string?)state["status"]);
        int pid = (int)state["pid"]!;
        Assert.Contains($"Uid:\t{_uid}\t", File.ReadAllText($"/proc/{pid}/status")); // root inside, the user outside
        var delete = AsUser("delete", "--force", "rl2");
        Assert.True(delete.ExitCode == 0, delete.ToString());
        Assert.False(Directory.Exists(Path.Combine(XdgDir, "mydocker", "rl2")));
    }

    /// <summary>With ranges in /etc/subuid and /etc/subgid, `spec --rootless` maps them from id 1 on, and newuidmap/newgidmap write the maps.</summary>
    [Fact]
    public void With_subordinate_ranges_the_whole_range_is_mapped_through_newuidmap()
    {
        Setup(subordinate: true);
        string line = File.ReadLines("/etc/subuid").First(l => l.StartsWith(_user + ":", StringComparison.Ordinal));
        string[] f = line.Split(':');
        Spec(["sh", "-c", "cat /proc/self/uid_map; cat /proc/self/setgroups"]);
        var r = AsUser("run", "--bundle", _bundle, "rl4");
        Assert.True(r.ExitCode == 0, r.ToString());
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["0", _uid.ToString(), "1"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["1", f[1], f[2]], lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("allow", lines[2].Trim()); // newgidmap needs no "deny": the container keeps setgroups(2)
    }

    [Fact]
    public void Limits_without_a_delegated_cgroup_are_an_error_naming_it()
    {
        Setup();
        Spec(["true"]);
        string file = Path.Combine(_bundle, "config.json");
        var config = JsonNode.Parse(File.ReadAllText(file))!;
        config["linux"]!["resources"] = new JsonObject { ["memory"] = new JsonObject { ["limit"] = 67108864 } };
        File.WriteAllText(file, config.ToJsonString());
        var r = AsUser("run", "--bundle", _bundle, "rl3");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains($"linux.resources: limits need a cgroup, and uid {_uid} may not create one in /sys/fs/cgroup/", r.Stderr);
        Assert.False(Directory.Exists(Path.Combine(XdgDir, "mydocker", "rl3")));
    }

    /// <summary>
    /// `spec --rootless --net slirp4netns`: the hook, run as the user, starts slirp4netns, which enters
    /// the container's user namespace (the owner of its network namespace) to make tap0; the published
    /// port answers on the host; the network directory is in XDG_RUNTIME_DIR and gone after delete.
    /// </summary>
    [Fact]
    public void Slirp4netns_gives_a_rootless_container_a_network_and_a_published_port()
    {
        Setup();
        OpenTunToAll();
        int port = HostNet.FreePort();
        Spec(["httpd", "-f", "-p", "80", "-h", "/etc"], "--net", "slirp4netns", "--publish", $"127.0.0.1:{port}:80");
        var create = AsUser("create", "--bundle", _bundle, "rl5");
        Assert.True(create.ExitCode == 0, create.ToString());
        Assert.Equal(0, AsUser("start", "rl5").ExitCode);
        string netDir = Path.Combine(XdgDir, "mydocker-net", "rl5");
        Assert.True(File.Exists(Path.Combine(netDir, "api.sock")));
        var slirp = Assert.Single(HostNet.ProcessesNaming(netDir), p => p.StartsWith("slirp4netns --configure", StringComparison.Ordinal));
        Assert.Contains(" tap0", slirp);

        Assert.Equal(File.ReadAllText(Path.Combine(fx.Rootfs, "etc", "hostname")), HostNet.HttpGetWithRetry(port, "/hostname"));
        var route = AsUser("exec", "rl5", "ip", "route");
        Assert.True(route.ExitCode == 0, route.ToString());
        Assert.Contains("default via 10.0.2.2 dev tap0", route.Stdout);

        var delete = AsUser("delete", "--force", "rl5");
        Assert.True(delete.ExitCode == 0, delete.ToString());
        Assert.Empty(HostNet.ProcessesNaming(netDir));
        Assert.False(Directory.Exists(netDir));
        Assert.NotEqual(System.Net.Sockets.SocketError.Success, HostNet.ConnectError(port));
    }

    /// <summary>
    /// A cgroup delegated to the user (as systemd's Delegate=yes does: a directory of the user's in every
    /// hierarchy, and the user's session in a cgroup below it): the container gets its own cgroup
    /// there, with its limits; pause freezes it; update changes it; delete removes it. The runtime
    /// visits the container's v1 cgroups for the clone only when it can come back (it cannot write
    /// into root's cgroups), and writes no device list (that needs the machine's root).
    /// </summary>
    [Fact]
    public void In_a_delegated_cgroup_limits_pause_update_and_delete_work()
    {
        Setup();
        string name = _user;
        _delegated = DelegateCgroups(name);
        Spec(["sleep", "60"]);
        string file = Path.Combine(_bundle, "config.json");
        var config = JsonNode.Parse(File.ReadAllText(file))!;
        config["linux"]!["cgroupsPath"] = $"/{name}/c1";
        config["linux"]!["resources"] = new JsonObject
        {
            ["memory"] = new JsonObject { ["limit"] = 67108864 }, ["pids"] = new JsonObject { ["limit"] = 50 },
        };
        File.WriteAllText(file, config.ToJsonString());

        var create = InSession(["create", "--bundle", _bundle, "rl6"]);
        Assert.True(create.ExitCode == 0, create.ToString());
        Assert.Equal("", create.Stderr); // no warning: the cgroup is there to use
        Assert.Equal(0, AsUser("start", "rl6").ExitCode);
        int pid = (int)JsonNode.Parse(AsUser("state", "rl6").Stdout)!["pid"]!;
        foreach (string line in File.ReadAllLines($"/proc/{pid}/cgroup"))
            Assert.EndsWith($":/{name}/c1", line);
        Assert.Equal(67108864, long.Parse(CgroupFile("memory", "memory.limit_in_bytes", "memory.max")));
        Assert.Equal("50", CgroupFile("pids", "pids.max", "pids.max"));

        Assert.Equal(0, AsUser("pause", "rl6").ExitCode);
        Assert.Contains(CgroupFile("freezer", "freezer.state", "cgroup.freeze"), new[] { "FROZEN", "1" });
        Assert.Equal(0, AsUser("resume", "rl6").ExitCode);
        var update = AsUser("update", "--memory", "100000000", "rl6");
        Assert.True(update.ExitCode == 0, update.ToString());
        Assert.Equal(99999744, long.Parse(CgroupFile("memory", "memory.limit_in_bytes", "memory.max"))); // the kernel rounds to pages

        var delete = AsUser("delete", "--force", "rl6");
        Assert.True(delete.ExitCode == 0, delete.ToString());
        foreach (string dir in _delegated) Assert.False(Directory.Exists(Path.Combine(dir, "c1")), $"{dir}/c1 left behind");

        string CgroupFile(string v1Controller, string v1File, string v2File)
        {
            string? v1 = _delegated.FirstOrDefault(d => Path.GetFileName(Path.GetDirectoryName(d))!.Split(',').Contains(v1Controller));
            return File.ReadAllText(v1 != null ? Path.Combine(v1, "c1", v1File) : Path.Combine(_delegated.Single(d => File.Exists(Path.Combine(d, "cgroup.subtree_control"))), "c1", v2File)).Trim();
        }
    }

    private List<string> _delegated = new();

    /// <summary>NAME in every cgroup hierarchy, the user's, with a "session" cgroup under it; on cgroup v2 with memory and pids enabled for its children.</summary>
    private static List<string> DelegateCgroups(string name)
    {
        var dirs = new List<string>();
        foreach (string line in File.ReadLines("/proc/self/mountinfo"))
        {
            string[] f = line.Split(' ');
            int dash = Array.IndexOf(f, "-");
            if (f[dash + 1] is not ("cgroup" or "cgroup2") || f[3] != "/") continue;
            string root = f[4], dir = Path.Combine(root, name);
            Directory.CreateDirectory(dir);
            dirs.Add(dir);
            if (File.Exists(Path.Combine(root, "cpuset.cpus")) && f[dash + 1] == "cgroup")
                foreach (string cpuset in new[] { "cpuset.cpus", "cpuset.mems" })
                    File.WriteAllText(Path.Combine(dir, cpuset), File.ReadAllText(Path.Combine(root, cpuset)));
            string wanted = string.Join(' ', File.Exists(Path.Combine(root, "cgroup.controllers"))
                ? File.ReadAllText(Path.Combine(root, "cgroup.controllers")).Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(c => c is "memory" or "pids").Select(c => "+" + c)
                : []);
            if (wanted.Length > 0) File.WriteAllText(Path.Combine(dir, "cgroup.subtree_control"), wanted);
            Directory.CreateDirectory(Path.Combine(dir, "session"));
            if (File.Exists(Path.Combine(root, "cpuset.cpus")) && f[dash + 1] == "cgroup")
                foreach (string cpuset in new[] { "cpuset.cpus", "cpuset.mems" })
                    File.WriteAllText(Path.Combine(dir, "session", cpuset), File.ReadAllText(Path.Combine(root, cpuset)));
        }
        return dirs;
    }

    /// <summary>`mydocker ARGS` as the user, from its session cgroups (where a login in a delegated subtree would be).</summary>
    private ExecResult InSession(string[] args)
    {
        string moves = string.Join("; ", _delegated.Select(d => $"echo $$ > {d}/session/cgroup.procs"));
        foreach (string dir in _delegated) Assert.Equal(0, Exec.Run("chown", ["-R", $"{_user}:", dir]).ExitCode);
        return Exec.Run("sh", ["-c", $"{moves}; exec runuser -u {_user} -- env XDG_RUNTIME_DIR={XdgDir} {fx.Binary} \"$@\"", "sh", .. args]);
    }

    /// <summary>
    /// slirp4netns without root opens /dev/net/tun, which udev makes 0666 on Debian; this VM has no
    /// udev and leaves it 0600 (a host quirk, in the README). Opened to all for this test, put back after.
    /// </summary>
    private void OpenTunToAll()
    {
        var mode = File.GetUnixFileMode("/dev/net/tun");
        if ((mode & UnixFileMode.OtherWrite) != 0) return;
        _tunMode = mode;
        File.SetUnixFileMode("/dev/net/tun", mode | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite);
    }

    private UnixFileMode? _tunMode;

    public void Dispose()
    {
        if (_tunMode is UnixFileMode tun) File.SetUnixFileMode("/dev/net/tun", tun);
        if (_uid >= 0)
        {
            foreach (string id in new[] { "rl1", "rl2", "rl3", "rl4", "rl5", "rl6" }) AsUser("delete", "--force", id);
            Exec.Run("pkill", ["-KILL", "-u", _user]);
            foreach (string dir in _delegated)
                foreach (string d in new[] { Path.Combine(dir, "c1"), Path.Combine(dir, "session"), dir })
                    for (int i = 0; i < 50 && Directory.Exists(d); i++)
                    {
                        try { Directory.Delete(d); } catch (IOException) { Thread.Sleep(20); }
                    }
            Exec.Run("userdel", [_user]);
            if (Directory.Exists(XdgDir)) Directory.Delete(XdgDir, recursive: true);
            if (_madeRunUser && Directory.Exists("/run/user") && !Directory.EnumerateFileSystemEntries("/run/user").Any()) Directory.Delete("/run/user");
        }
        if (Directory.Exists(_bundle)) Directory.Delete(_bundle, recursive: true);
    }
}
