using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace MyDocker.EngineTests.Daemon;

/// <summary>
/// What `docker run` options do, checked where the kernel shows it: /proc/PID/status for the user
/// namespace, the container's cgroup files for limits, the overlay's layers on disk, a TCP
/// connection from the host for a published port.
/// </summary>
[Collection("daemon")]
public class KernelTruthTests(DaemonFixture daemon)
{
    private readonly DockerCli _docker = new(daemon, DockerCli.Docker28);

    [Fact]
    public void Container_root_is_the_mydocker_subordinate_uid_on_the_host()
    {
        int subuid = FirstSubordinateUid();
        string id = _docker.Ok("run", "-d", DaemonFixture.Image, "sleep", "30").Trim();
        try
        {
            int pid = Pid(id);
            Assert.True(subuid >= 100000, $"/etc/subuid gives mydocker {subuid}");
            Assert.Equal(subuid, KernelView.HostUid(pid));
            Assert.Equal(subuid, KernelView.StatusField(pid, "Gid"));
            string uidMap = string.Join(' ', File.ReadAllText($"/proc/{pid}/uid_map").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
            Assert.Equal($"0 {subuid} 65536", uidMap);
            Assert.Equal("0\n", _docker.Ok("exec", id, "id", "-u")); // root inside
        }
        finally { _docker.Run("rm", "-f", id); }
    }

    [Fact]
    public void Userns_host_runs_as_host_root()
    {
        string id = _docker.Ok("run", "-d", "--userns", "host", DaemonFixture.Image, "sleep", "30").Trim();
        try
        {
            int pid = Pid(id);
            Assert.Equal(0, KernelView.HostUid(pid));
            Assert.Equal(File.ReadAllText("/proc/self/uid_map"), File.ReadAllText($"/proc/{pid}/uid_map")); // the host's user namespace
        }
        finally { _docker.Run("rm", "-f", id); }
    }

    [Fact]
    public void Writes_inside_a_container_do_not_change_the_image()
    {
        _docker.Ok("run", "--rm", DaemonFixture.Image, "true"); // the layers are unpacked for this id shift by now
        string layers = Path.Combine(daemon.DataRoot, "image", "layers");
        var before = KernelView.TreeSnapshot(layers);
        string writer = _docker.Ok("run", "-d", DaemonFixture.Image, "sh", "-c",
            "echo secret > /etc/written-by-a && echo changed >> /etc/passwd && rm /bin/vi && echo done").Trim();
        try
        {
            Assert.Equal("0\n", _docker.Ok("wait", writer));
            Assert.Equal("done\n", _docker.Ok("logs", writer));
            string upper = (string)_docker.Inspect(writer)["GraphDriver"]!["Data"]!["UpperDir"]!;
            Assert.Equal("secret\n", File.ReadAllText(Path.Combine(upper, "etc", "written-by-a")));
            Assert.Contains("changed", File.ReadAllText(Path.Combine(upper, "etc", "passwd")));

            string reader = _docker.Ok("run", "--rm", DaemonFixture.Image, "sh", "-c",
                "test ! -e /etc/written-by-a && ! grep -q changed /etc/passwd && test -e /bin/vi && echo clean");
            Assert.Equal("clean\n", reader);
            var after = KernelView.TreeSnapshot(layers);
            Assert.Equal(before, after);
        }
        finally { _docker.Run("rm", "-f", writer); }
    }

    [Fact]
    public void Limits_are_written_to_the_container_cgroups()
    {
        string id = _docker.Ok("run", "-d", "--memory", "100m", "--cpus", "0.5", "--pids-limit", "20", DaemonFixture.Image, "sleep", "30").Trim();
        try
        {
            int pid = Pid(id);
            Assert.Contains(pid.ToString(), File.ReadAllLines(Path.Combine(KernelView.CgroupDir("memory", id), "cgroup.procs")));
            Assert.Equal("104857600", KernelView.CgroupFile("memory", id, "memory.limit_in_bytes"));
            Assert.Equal("50000", KernelView.CgroupFile("cpu", id, "cpu.cfs_quota_us"));
            Assert.Equal("100000", KernelView.CgroupFile("cpu", id, "cpu.cfs_period_us"));
            Assert.Equal("20", KernelView.CgroupFile("pids", id, "pids.max"));
        }
        finally { _docker.Run("rm", "-f", id); }
    }

    [Fact]
    public void Memory_limit_ends_a_hog_with_137_and_OOMKilled()
    {
        string name = "hog-" + Guid.NewGuid().ToString("N")[..8];
        // The string doubles until it no longer fits in 100 MB: the shell really allocates it.
        var r = HostRun.Run(_docker.Binary, ["run", "--name", name, "--memory", "100m", DaemonFixture.Image, "sh", "-c", "x=a; while :; do x=\"$x$x\"; done"],
            daemon.ClientEnv(), timeoutSeconds: 120);
        try
        {
            Assert.True(r.ExitCode == 137, r.ToString());
            var state = _docker.Inspect(name)["State"]!;
            Assert.Equal(137, (int)state["ExitCode"]!);
            Assert.True((bool)state["OOMKilled"]!, "inspect's OOMKilled is false after the kernel's OOM kill");
        }
        finally { _docker.Run("rm", "-f", name); }
    }

    [Fact]
    public void Cpus_half_gives_a_busy_loop_half_a_cpu()
    {
        string id = _docker.Ok("run", "-d", "--cpus", "0.5", DaemonFixture.Image, "sh", "-c", "while :; do :; done").Trim();
        try
        {
            Assert.Equal("50000", KernelView.CgroupFile("cpu", id, "cpu.cfs_quota_us"));
            Thread.Sleep(500);
            long usage0 = long.Parse(KernelView.CgroupFile("cpuacct", id, "cpuacct.usage"));
            var clock = Stopwatch.StartNew();
            Thread.Sleep(2000);
            long usage1 = long.Parse(KernelView.CgroupFile("cpuacct", id, "cpuacct.usage"));
            double share = (usage1 - usage0) / (clock.Elapsed.TotalSeconds * 1e9);
            Assert.InRange(share, 0.35, 0.65);
        }
        finally { _docker.Run("rm", "-f", id); }
    }

    [Fact]
    public void Pids_limit_stops_forks_at_20()
    {
        // The subshell forks until the kernel refuses (busybox sh then gives up); `exec` needs no fork.
        string id = _docker.Ok("run", "-d", "--pids-limit", "20", DaemonFixture.Image, "sh", "-c",
            "(for i in $(seq 40); do sleep 30 & done); exec sleep 30").Trim();
        try
        {
            Assert.Equal("20", KernelView.CgroupFile("pids", id, "pids.max"));
            RunResult? logs = null;
            Assert.True(DockerCli.Eventually(() => (logs = _docker.Run("logs", id)).Stderr.Contains("can't fork"), 5), $"no fork was refused: {logs}");
            int current = int.Parse(KernelView.CgroupFile("pids", id, "pids.current"));
            Assert.InRange(current, 15, 20);
            Assert.True(long.Parse(KernelView.CgroupFile("pids", id, "pids.events").Split(' ')[1]) > 0, "pids.events counts no refused fork");
        }
        finally { _docker.Run("rm", "-f", id); }
    }

    [Fact]
    public void Slirp4netns_gives_tap0_its_address()
    {
        string output = _docker.Ok("run", "--rm", DaemonFixture.Image, "ip", "-4", "addr", "show", "tap0");
        Assert.Contains("inet 10.0.2.100/24", output);
    }

    [Fact]
    public void Published_port_reaches_httpd_in_the_container()
    {
        int port = FreePort();
        string id = _docker.Ok("run", "-d", "-p", $"127.0.0.1:{port}:80", DaemonFixture.Image, "sh", "-c",
            "mkdir -p /www && echo hello-from-httpd > /www/index.html && exec httpd -f -p 80 -h /www").Trim();
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
            string body = "";
            bool answered = DockerCli.Eventually(() =>
            {
                try { body = http.GetStringAsync($"http://127.0.0.1:{port}/index.html").GetAwaiter().GetResult(); return true; }
                catch (HttpRequestException) { return false; }
                catch (TaskCanceledException) { return false; }
            }, 15);
            Assert.True(answered, $"nothing answered on 127.0.0.1:{port}; logs: {_docker.Run("logs", id)}");
            Assert.Equal("hello-from-httpd\n", body);
        }
        finally { _docker.Run("rm", "-f", id); }
    }

    private int Pid(string id)
    {
        int pid = (int)_docker.Inspect(id)["State"]!["Pid"]!;
        Assert.True(KernelView.Alive(pid), $"inspect's Pid {pid} of {id} is not a live process");
        return pid;
    }

    private static int FirstSubordinateUid()
    {
        foreach (string line in File.ReadLines("/etc/subuid"))
            if (line.Split(':') is ["mydocker", var start, _]) return int.Parse(start);
        throw new InvalidOperationException("/etc/subuid has no line for user mydocker");
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
