using System.Text.Json.Nodes;
using MyDocker.IntegrationTests.Harness;

namespace MyDocker.IntegrationTests;

/// <summary>config-linux.md "Namespaces" and "User namespace mappings", seen from inside a container.</summary>
[Collection("runtime")]
public sealed class NamespaceTests(RuntimeFixture fx) : IDisposable
{
    private readonly TestRuntime rt = new(fx);
    public void Dispose() => rt.Dispose();

    [Fact]
    public void Pid_namespace_makes_the_process_pid_1()
    {
        var r = rt.Run(["sh", "-c", "echo $$"]);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("1\n", r.Stdout);
    }

    [Fact]
    public void Ps_shows_only_the_containers_processes()
    {
        var r = rt.Run(["sh", "-c", "ps -o pid,comm; true"]); // "; true": a lone command would be exec'd by sh
        Assert.True(r.ExitCode == 0, r.ToString());
        var rows = r.Stdout.Trim().Split('\n').Skip(1).Select(l => l.Trim()).ToArray();
        // sh is PID 1 and ps its child: nothing of the host.
        Assert.Equal(2, rows.Length);
        Assert.StartsWith("1 ", rows[0]);
        Assert.Contains(rows, l => l.EndsWith(" ps"));
    }

    [Fact]
    public void Uts_namespace_has_the_configured_hostname_and_domainname()
    {
        var r = rt.Run(["sh", "-c", "hostname; cat /proc/sys/kernel/domainname"], c =>
        {
            c["hostname"] = "box-7";
            c["domainname"] = "example.test";
        });
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("box-7\nexample.test\n", r.Stdout);
        Assert.NotEqual("box-7", File.ReadAllText("/proc/sys/kernel/hostname").Trim());
    }

    [Fact]
    public void Every_new_namespace_differs_from_the_hosts()
    {
        string[] kinds = ["pid", "mnt", "uts", "ipc", "net"];
        var r = rt.Run(["sh", "-c", string.Join("; ", kinds.Select(k => $"readlink /proc/self/ns/{k}"))]);
        Assert.True(r.ExitCode == 0, r.ToString());
        var inside = r.Stdout.Trim().Split('\n');
        for (int i = 0; i < kinds.Length; i++)
        {
            string host = new FileInfo($"/proc/self/ns/{kinds[i]}").LinkTarget!;
            Assert.StartsWith($"{kinds[i]}:[", inside[i]);
            Assert.NotEqual(host, inside[i]);
        }
    }

    [Fact]
    public void Proc_is_the_containers_own()
    {
        var r = rt.Run(["sh", "-c", "ls /proc | grep -E '^[0-9]+$' | sort -n | tr '\\n' ' '"]);
        Assert.True(r.ExitCode == 0, r.ToString());
        // Only PID 1 (sh), the ls/grep/sort/tr pipeline: all small numbers, no host pids.
        var pids = r.Stdout.Trim().Split(' ').Select(int.Parse).ToArray();
        Assert.Equal(1, pids[0]);
        Assert.All(pids, p => Assert.True(p < 20, $"pid {p} is not the container's"));
    }

    [Fact]
    public void User_namespace_applies_the_uid_and_gid_mappings()
    {
        var r = rt.Run(["sh", "-c", "cat /proc/self/uid_map /proc/self/gid_map; id -u"], c =>
        {
            c["linux"]!["namespaces"]!.AsArray().Add(new JsonObject { ["type"] = "user" });
            c["linux"]!["uidMappings"] = new JsonArray(new JsonObject { ["containerID"] = 0, ["hostID"] = 100000, ["size"] = 65536 });
            c["linux"]!["gidMappings"] = new JsonArray(new JsonObject { ["containerID"] = 0, ["hostID"] = 200000, ["size"] = 65536 });
            // sysfs cannot be mounted by a user namespace that does not own the network namespace's... keep it simple:
            c["mounts"] = new JsonArray(c["mounts"]!.AsArray().Where(m => m!["type"]!.GetValue<string>() != "sysfs").Select(m => m!.DeepClone()).ToArray());
        });
        Assert.True(r.ExitCode == 0, r.ToString());
        var lines = r.Stdout.Trim().Split('\n').Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries))).ToArray();
        Assert.Equal(["0 100000 65536", "0 200000 65536", "0"], lines);
    }

    [Fact]
    public void A_namespace_given_by_path_is_joined()
    {
        var bundle = rt.Bundle(["sleep", "30"]);
        var c = rt.Mydocker("create", "--bundle", bundle, "holder");
        Assert.True(c.ExitCode == 0, c.ToString());
        int pid = StatePid(rt.Mydocker("state", "holder").Stdout);
        string netOfHolder = new FileInfo($"/proc/{pid}/ns/net").LinkTarget!;
        string utsOfHolder = new FileInfo($"/proc/{pid}/ns/uts").LinkTarget!;

        var r = rt.Run(["sh", "-c", "readlink /proc/self/ns/net; readlink /proc/self/ns/uts"], cfg =>
        {
            var ns = cfg["linux"]!["namespaces"]!.AsArray();
            foreach (var n in ns) if (n!["type"]!.GetValue<string>() is "network" or "uts") n["path"] = $"/proc/{pid}/ns/{(n["type"]!.GetValue<string>() == "network" ? "net" : "uts")}";
            cfg.Remove("hostname");
        });
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal($"{netOfHolder}\n{utsOfHolder}\n", r.Stdout);
        Assert.Equal(0, rt.Mydocker("delete", "--force", "holder").ExitCode);
    }

    [Fact]
    public void A_pid_namespace_given_by_path_is_joined()
    {
        var bundle = rt.Bundle(["sleep", "30"]);
        Assert.Equal(0, rt.Mydocker("create", "--bundle", bundle, "pidholder").ExitCode);
        int pid = StatePid(rt.Mydocker("state", "pidholder").Stdout);
        var r = rt.Run(["sh", "-c", "readlink /proc/self/ns/pid; echo $$"], cfg =>
        {
            foreach (var n in cfg["linux"]!["namespaces"]!.AsArray())
                if (n!["type"]!.GetValue<string>() == "pid") n["path"] = $"/proc/{pid}/ns/pid";
        });
        Assert.True(r.ExitCode == 0, r.ToString());
        var lines = r.Stdout.Trim().Split('\n');
        Assert.Equal(new FileInfo($"/proc/{pid}/ns/pid").LinkTarget, lines[0]);
        Assert.NotEqual("1", lines[1]); // pid 1 of that namespace is the holder's process
        Assert.Equal(0, rt.Mydocker("delete", "--force", "pidholder").ExitCode);
    }

    [Fact]
    public void Time_namespace_applies_the_boottime_offset()
    {
        if (!File.Exists("/proc/self/ns/time"))
            throw new InvalidOperationException("this kernel has no time namespace: the test cannot run here");
        double hostUptime = double.Parse(File.ReadAllText("/proc/uptime").Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        var r = rt.Run(["cat", "/proc/uptime"], c =>
        {
            c["linux"]!["namespaces"]!.AsArray().Add(new JsonObject { ["type"] = "time" });
            c["linux"]!["timeOffsets"] = new JsonObject { ["boottime"] = new JsonObject { ["secs"] = 86400, ["nanosecs"] = 0 } };
        });
        Assert.True(r.ExitCode == 0, r.ToString());
        double inside = double.Parse(r.Stdout.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(inside - hostUptime, 86400 - 5, 86400 + 60);
    }

    [Fact]
    public void Cgroup_namespace_shows_the_container_its_own_root()
    {
        var r = rt.Run(["sh", "-c", "readlink /proc/self/ns/cgroup; cat /proc/self/cgroup"], c =>
            c["linux"]!["namespaces"]!.AsArray().Add(new JsonObject { ["type"] = "cgroup" }));
        Assert.True(r.ExitCode == 0, r.ToString());
        var lines = r.Stdout.Trim().Split('\n');
        Assert.NotEqual(new FileInfo("/proc/self/ns/cgroup").LinkTarget, lines[0]);
        // Every hierarchy's path is "/": the namespace root is the cgroup init was in when it unshared.
        Assert.All(lines.Skip(1), l => Assert.EndsWith(":/", l));
    }

    [Fact]
    public void Namespaces_not_listed_are_inherited_and_host_mounts_are_cleaned_up()
    {
        var bundle = rt.Bundle(["sleep", "60"], c =>
        {
            c["linux"]!["namespaces"] = new JsonArray();
            c.Remove("hostname");
        });
        Assert.Equal(0, rt.Mydocker("run", "-d", "--bundle", bundle, "inherit").ExitCode);
        int pid = StatePid(rt.Mydocker("state", "inherit").Stdout);
        foreach (var ns in new[] { "mnt", "pid", "net", "uts", "ipc" })
            Assert.Equal(new FileInfo($"/proc/self/ns/{ns}").LinkTarget, new FileInfo($"/proc/{pid}/ns/{ns}").LinkTarget);
        // Its root is the rootfs (a chroot), and exec lands there too.
        var ls = rt.Mydocker("exec", "inherit", "sh", "-c", "ls /; cat /proc/self/mountinfo | wc -l");
        Assert.True(ls.ExitCode == 0, ls.ToString());
        Assert.Contains("busybox", rt.Mydocker("exec", "inherit", "ls", "/bin").Stdout);
        string rootfs = JsonNode.Parse(File.ReadAllText(Path.Combine(bundle, "config.json")))!["root"]!["path"]!.GetValue<string>();
        Assert.Contains(File.ReadAllLines("/proc/self/mountinfo"), l => l.Split(' ')[4] == rootfs + "/proc");

        Assert.Equal(0, rt.Mydocker("delete", "--force", "inherit").ExitCode);
        Assert.DoesNotContain(File.ReadAllLines("/proc/self/mountinfo"), l => l.Split(' ')[4].StartsWith(rootfs));
    }

    internal static int StatePid(string stateJson) => JsonNode.Parse(stateJson)!["pid"]!.GetValue<int>();
}
