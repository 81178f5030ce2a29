using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using MyDocker.IntegrationTests.Harness;

namespace MyDocker.IntegrationTests;

/// <summary>
/// `mydocker hook slirp4netns` (Runtime/Network): real containers with a slirp4netns network. Only the
/// host's loopback and the containers' own namespaces are contacted. After every test, no slirp4netns
/// or watcher process of its containers and no network directory (API socket) are left.
/// </summary>
[Collection("runtime")]
public sealed class NetworkTests(RuntimeFixture fx) : IDisposable
{
    private const string NetBase = "/run/mydocker-net";
    private readonly TestRuntime rt = new(fx);
    private readonly List<string> _ids = new();

    public void Dispose()
    {
        rt.Dispose();
        foreach (string id in _ids)
        {
            Assert.True(WaitGone(id, 5000), $"slirp4netns or its watcher of {id} still runs: {string.Join(", ", NetProcesses(id))}");
            Assert.False(Directory.Exists(Path.Combine(NetBase, id)), $"{NetBase}/{id} left behind");
        }
    }

    private string NewId()
    {
        string id = $"n{Guid.NewGuid():N}"[..12];
        _ids.Add(id);
        return id;
    }

    /// <summary>A bundle like `mydocker spec --net slirp4netns` writes: the hook under createRuntime and poststop, resolv.conf bound from the bundle.</summary>
    private string NetBundle(string[] args, params string[] hookArgs)
    {
        string bundle = rt.Bundle(args, c =>
        {
            c["hooks"] = new JsonObject
            {
                ["createRuntime"] = new JsonArray(Hook(["mydocker", "hook", "slirp4netns", .. hookArgs])),
                ["poststop"] = new JsonArray(Hook(["mydocker", "hook", "slirp4netns", "--stop"])),
            };
            c["mounts"]!.AsArray().Add(new JsonObject
            {
                ["destination"] = "/etc/resolv.conf", ["type"] = "bind", ["source"] = "resolv.conf",
                ["options"] = new JsonArray("rbind", "ro"),
            });
        });
        File.WriteAllText(Path.Combine(bundle, "resolv.conf"), "nameserver 10.0.2.3\n");
        return bundle;
    }

    private JsonObject Hook(string[] args) => new()
    {
        ["path"] = rt.Binary,
        ["args"] = new JsonArray(args.Select(a => (JsonNode)JsonValue.Create(a)!).ToArray()),
    };

    [Fact]
    public void The_container_has_tap0_at_10_0_2_100_a_default_route_via_10_0_2_2_and_slirps_resolver()
    {
        string id = NewId();
        string imageResolv = File.ReadAllText(Path.Combine(fx.Rootfs, "etc", "resolv.conf"));
        var r = rt.Mydocker("run", "--bundle", NetBundle(["sh", "-c", "ip -4 addr show tap0; ip link show tap0; ip route; cat /etc/resolv.conf"]), id);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("inet 10.0.2.100/24", r.Stdout);
        Assert.Contains("mtu 65520", r.Stdout);
        Assert.Contains("default via 10.0.2.2 dev tap0", r.Stdout);
        Assert.Contains("nameserver 10.0.2.3\n", r.Stdout);
        Assert.Equal(imageResolv, File.ReadAllText(Path.Combine(fx.Rootfs, "etc", "resolv.conf"))); // the image is not written
        Assert.Equal("", r.Stderr);
    }

    [Fact]
    public void A_container_with_a_user_namespace_gets_the_same_network()
    {
        // slirp4netns joins the container's user namespace too (its owner), to create tap0 there.
        string bundle = NetBundle(["sh", "-c", "ip -4 addr show tap0; cat /proc/self/uid_map"]);
        string file = Path.Combine(bundle, "config.json");
        var config = JsonNode.Parse(File.ReadAllText(file))!.AsObject();
        config["linux"]!["namespaces"]!.AsArray().Add(new JsonObject { ["type"] = "user" });
        config["linux"]!["uidMappings"] = new JsonArray(new JsonObject { ["containerID"] = 0, ["hostID"] = 100000, ["size"] = 65536 });
        config["linux"]!["gidMappings"] = new JsonArray(new JsonObject { ["containerID"] = 0, ["hostID"] = 100000, ["size"] = 65536 });
        var mounts = config["mounts"]!.AsArray();
        foreach (var m in mounts.Where(m => (string?)m!["destination"] == "/sys/fs/cgroup").ToList()) mounts.Remove(m);
        File.WriteAllText(file, config.ToJsonString());

        var r = rt.Mydocker("run", "--bundle", bundle, NewId());
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("inet 10.0.2.100/24", r.Stdout);
        Assert.Matches(@"\s0\s+100000\s+65536", r.Stdout);
    }

    [Fact]
    public void A_server_in_the_container_answers_on_the_published_host_port_and_delete_leaves_nothing()
    {
        string id = NewId();
        int port = FreePort();
        string bundle = NetBundle(["sh", "-c", "echo hello-from-the-container > /tmp/index.html && exec httpd -f -p 80 -h /tmp"],
            "--publish", $"127.0.0.1:{port}:80/tcp");
        bundle = WritableTmp(bundle);
        Assert.Equal(0, rt.Mydocker("create", "--bundle", bundle, id).ExitCode);
        Assert.Equal(0, rt.Mydocker("start", id).ExitCode);
        Assert.Single(NetProcesses(id), p => p.Contains("slirp4netns --configure"));
        Assert.True(File.Exists(Path.Combine(NetBase, id, "api.sock")));

        string body = HttpGetWithRetry(port);
        Assert.Equal("hello-from-the-container\n", body);

        var d = rt.Mydocker("delete", "--force", id);
        Assert.True(d.ExitCode == 0, d.ToString());
        // The poststop hook waits for the watcher: gone when delete returns, not some time later.
        Assert.Empty(NetProcesses(id));
        Assert.False(Directory.Exists(Path.Combine(NetBase, id)));
        Assert.Null(ConnectError(port) is SocketError.Success ? "still listening" : null);
    }

    [Fact]
    public void With_host_loopback_allowed_the_container_reaches_a_host_server_at_10_0_2_2()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var serve = new Thread(() =>
        {
            using var client = listener.AcceptTcpClient();
            client.GetStream().Write("pong-from-the-host\n"u8);
        }) { IsBackground = true };
        serve.Start();
        var r = rt.Mydocker("run", "--bundle", NetBundle(["sh", "-c", $"nc 10.0.2.2 {port} </dev/null"], "--allow-host-loopback"), NewId());
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("pong-from-the-host\n", r.Stdout);
        Assert.True(serve.Join(5000));
    }

    [Fact]
    public void By_default_the_hosts_loopback_is_out_of_reach()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var r = rt.Mydocker("run", "--bundle", NetBundle(["sh", "-c", $"nc -w 2 10.0.2.2 {port} </dev/null; echo nc=$?"]), NewId());
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("nc=1", r.Stdout);
        Assert.False(listener.Pending());
    }

    [Fact]
    public void A_host_port_already_in_use_is_one_clear_error_and_create_leaves_nothing()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int port = ((IPEndPoint)taken.LocalEndpoint).Port;
        string id = NewId();
        var r = rt.Mydocker("create", "--bundle", NetBundle(["true"], "--publish", $"127.0.0.1:{port}:80"), id);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Equal(
            $"mydocker: slirp4netns: cannot publish container port 80 on 127.0.0.1:{port}/tcp: the host port is already in use\n" +
            $"mydocker: hooks.createRuntime[0]: {rt.Binary} exited with status 1\n", r.Stderr);
        Assert.Empty(rt.ContainerDirs());
        Assert.Empty(NetProcesses(id)); // the hook returns only after the watcher stopped slirp4netns
        Assert.False(Directory.Exists(Path.Combine(NetBase, id)));
    }

    [Fact]
    public void Slirp4netns_stops_when_init_is_killed_even_before_delete()
    {
        string id = NewId();
        Assert.Equal(0, rt.Mydocker("create", "--bundle", NetBundle(["sleep", "600"]), id).ExitCode);
        Assert.Equal(0, rt.Mydocker("start", id).ExitCode);
        Assert.NotEmpty(NetProcesses(id));
        Assert.Equal(0, rt.Mydocker("kill", id, "KILL").ExitCode);
        Assert.True(WaitGone(id, 5000), string.Join(", ", NetProcesses(id)));
        Assert.False(Directory.Exists(Path.Combine(NetBase, id)));
        Assert.Equal(0, rt.Mydocker("delete", id).ExitCode);
    }

    [Fact]
    public void A_created_container_deleted_before_start_leaves_nothing()
    {
        string id = NewId();
        Assert.Equal(0, rt.Mydocker("create", "--bundle", NetBundle(["true"]), id).ExitCode);
        Assert.NotEmpty(NetProcesses(id));
        Assert.Equal(0, rt.Mydocker("delete", "--force", id).ExitCode);
        Assert.Empty(NetProcesses(id));
        Assert.False(Directory.Exists(Path.Combine(NetBase, id)));
    }

    [Fact]
    public void A_missing_slirp4netns_program_is_one_clear_error()
    {
        string id = NewId();
        var r = rt.Mydocker("create", "--bundle", NetBundle(["true"], "--slirp4netns", "/nonexistent/slirp4netns"), id);
        Assert.NotEqual(0, r.ExitCode);
        Assert.StartsWith("mydocker: slirp4netns: \"/nonexistent/slirp4netns\": no such file or directory\n", r.Stderr);
        Assert.Empty(rt.ContainerDirs());
        Assert.False(Directory.Exists(Path.Combine(NetBase, id)));
    }

    [Fact]
    public void A_container_in_the_hosts_network_namespace_is_refused_and_the_host_gets_no_tap0()
    {
        string id = NewId();
        string bundle = NetBundle(["true"]);
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(bundle, "config.json")))!.AsObject();
        var namespaces = config["linux"]!["namespaces"]!.AsArray();
        foreach (var ns in namespaces.Where(n => (string?)n!["type"] == "network").ToList()) namespaces.Remove(ns);
        File.WriteAllText(Path.Combine(bundle, "config.json"), config.ToJsonString());

        var r = rt.Mydocker("create", "--bundle", bundle, id);
        Assert.NotEqual(0, r.ExitCode);
        Assert.StartsWith("mydocker: slirp4netns: the container shares the runtime's network namespace: it needs a new one", r.Stderr);
        Assert.False(Directory.Exists("/sys/class/net/tap0"));
        Assert.Empty(rt.ContainerDirs());
    }

    [Fact]
    public void The_hook_run_by_hand_with_a_broken_state_says_so()
    {
        var r = Exec.Run(rt.Binary, ["hook", "slirp4netns"], "{\"ociVersion\": \"1.2.0\", \"id\": \"../x\", \"status\": \"creating\", \"pid\": 1, \"bundle\": \"/\"}");
        Assert.Equal(1, r.ExitCode);
        Assert.StartsWith("mydocker: invalid container ID \"../x\"", r.Stderr);
        r = Exec.Run(rt.Binary, ["hook", "slirp4netns"], "not json");
        Assert.Equal(1, r.ExitCode);
        Assert.StartsWith("mydocker: slirp4netns: the container state on stdin: ", r.Stderr);
        Assert.Equal(1, r.Stderr.Count(c => c == '\n'));
    }

    [Fact]
    public void The_example_net_bundle_gives_its_shell_a_network()
    {
        // bundles/example-net as committed, but with this build's binary and the shared test rootfs.
        string repoBundle = Path.Combine(fx.RepoRoot, "bundles", "example-net");
        string bundle = rt.Bundle(["sh", "-c", "ip -4 addr show tap0; grep nameserver /etc/resolv.conf"], c =>
        {
            var committed = JsonNode.Parse(File.ReadAllText(Path.Combine(repoBundle, "config.json")))!.AsObject();
            Assert.Equal("/usr/local/bin/mydocker", (string?)committed["hooks"]!["createRuntime"]![0]!["path"]);
            foreach (var stage in new[] { "createRuntime", "poststop" })
                committed["hooks"]![stage]![0]!["path"] = rt.Binary;
            c["hooks"] = committed["hooks"]!.DeepClone();
            c["mounts"] = committed["mounts"]!.DeepClone();
        });
        File.Copy(Path.Combine(repoBundle, "resolv.conf"), Path.Combine(bundle, "resolv.conf"));
        string id = NewId();
        var r = rt.Mydocker("run", "--bundle", bundle, id);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("inet 10.0.2.100/24", r.Stdout);
        Assert.Contains("nameserver 10.0.2.3", r.Stdout);
    }

    [Fact]
    public void Spec_net_slirp4netns_writes_the_hooks_the_network_namespace_and_resolv_conf()
    {
        string dir = Directory.CreateTempSubdirectory("mydocker-spec-net-").FullName;
        try
        {
            var r = Exec.Run(rt.Binary, ["spec", "--bundle", dir, "--net", "slirp4netns", "--publish", "8080:80"]);
            Assert.True(r.ExitCode == 0, r.ToString());
            var config = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "config.json")))!;
            var create = config["hooks"]!["createRuntime"]![0]!;
            Assert.Equal(rt.Binary, (string?)create["path"]);
            Assert.Equal(["mydocker", "hook", "slirp4netns", "--publish", "0.0.0.0:8080:80/tcp"], create["args"]!.AsArray().Select(a => (string)a!));
            Assert.Equal(["mydocker", "hook", "slirp4netns", "--stop"], config["hooks"]!["poststop"]![0]!["args"]!.AsArray().Select(a => (string)a!));
            Assert.Contains(config["linux"]!["namespaces"]!.AsArray(), n => (string?)n!["type"] == "network");
            var mount = config["mounts"]!.AsArray().Single(m => (string?)m!["destination"] == "/etc/resolv.conf")!;
            Assert.Equal("resolv.conf", (string?)mount["source"]);
            Assert.EndsWith("nameserver 10.0.2.3\n", File.ReadAllText(Path.Combine(dir, "resolv.conf")));

            r = Exec.Run(rt.Binary, ["spec", "--bundle", dir + "/x", "--publish", "8080:80"]);
            Assert.Equal("mydocker: spec: --publish needs --net slirp4netns\n", r.Stderr);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    // ---- helpers ----

    /// <summary>httpd needs a writable /tmp: the shared test rootfs is read-only, so a tmpfs goes there.</summary>
    private static string WritableTmp(string bundle)
    {
        string file = Path.Combine(bundle, "config.json");
        var config = JsonNode.Parse(File.ReadAllText(file))!.AsObject();
        config["mounts"]!.AsArray().Add(new JsonObject { ["destination"] = "/tmp", ["type"] = "tmpfs", ["source"] = "tmpfs" });
        File.WriteAllText(file, config.ToJsonString());
        return bundle;
    }

    private static int FreePort() => HostNet.FreePort();
    private static string HttpGetWithRetry(int port) => HostNet.HttpGetWithRetry(port);
    private static SocketError ConnectError(int port) => HostNet.ConnectError(port);
    private static List<string> NetProcesses(string id) => HostNet.ProcessesNaming($"{NetBase}/{id}");

    private static bool WaitGone(string id, int ms)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(ms);
        while (NetProcesses(id).Count > 0)
        {
            if (DateTime.UtcNow > deadline) return false;
            Thread.Sleep(20);
        }
        return true;
    }
}
