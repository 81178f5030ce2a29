using System.Text.Json.Nodes;
using MyDocker.IntegrationTests.Harness;

namespace MyDocker.IntegrationTests;

/// <summary>config.md "Root" and "Mounts", config-linux.md "Default Devices", runtime-linux.md "/dev symbolic links".</summary>
[Collection("runtime")]
public sealed class MountTests(RuntimeFixture fx) : IDisposable
{
    private readonly TestRuntime rt = new(fx);
    public void Dispose() => rt.Dispose();

    /// <summary>mountinfo lines of the container keyed by mount point: (options, fstype, super options).</summary>
    private Dictionary<string, (string Opts, string Type, string Super)> MountInfo(Action<JsonObject>? edit = null)
    {
        var r = rt.Run(["cat", "/proc/self/mountinfo"], edit);
        Assert.True(r.ExitCode == 0, r.ToString());
        var d = new Dictionary<string, (string, string, string)>();
        foreach (var line in r.Stdout.Trim().Split('\n'))
        {
            var f = line.Split(' ');
            int dash = Array.IndexOf(f, "-");
            d[f[4]] = (f[5], f[dash + 1], f[dash + 3]);
        }
        return d;
    }

    [Fact]
    public void Root_is_pivoted_and_read_only_when_asked()
    {
        var m = MountInfo();
        Assert.True(m.ContainsKey("/"), "no / in mountinfo");
        Assert.StartsWith("ro", m["/"].Opts);
        // pivot_root left no trace of the host's root in the container.
        Assert.DoesNotContain(m.Keys, k => k.StartsWith("/run/mydocker") || k.Contains("mydocker-it-"));
        var w = rt.Run(["sh", "-c", "touch /x 2>&1; echo $?"]);
        Assert.Contains("Read-only file system", w.Stdout);
    }

    [Theory]
    [InlineData("unbindable", "unbindable")]
    [InlineData("rshared", "shared:")]
    [InlineData("private", null)]
    public void Root_propagation_is_applied_to_the_new_root(string value, string? expected)
    {
        var r = rt.Run(["cat", "/proc/self/mountinfo"], c => c["linux"]!["rootfsPropagation"] = value);
        Assert.True(r.ExitCode == 0, r.ToString());
        string root = r.Stdout.Split('\n').First(l => l.Split(' ') is { Length: > 5 } f && f[4] == "/");
        string optional = string.Join(' ', root.Split(" - ")[0].Split(' ').Skip(6));
        if (expected == null) Assert.Equal("", optional.Trim());
        else Assert.Contains(expected, optional);
    }

    [Fact]
    public void Configured_mounts_have_their_types_and_options()
    {
        var m = MountInfo();
        Assert.Equal("proc", m["/proc"].Type);
        Assert.Equal("tmpfs", m["/dev"].Type);
        Assert.Contains("nosuid", m["/dev"].Opts);
        Assert.Contains("size=65536k", m["/dev"].Super);
        Assert.Contains("mode=755", m["/dev"].Super);
        Assert.Equal("devpts", m["/dev/pts"].Type);
        Assert.Contains("ptmxmode=666", m["/dev/pts"].Super);
        Assert.Contains("noexec", m["/dev/pts"].Opts);
        Assert.Equal("tmpfs", m["/dev/shm"].Type);
        Assert.Contains("nodev", m["/dev/shm"].Opts);
        Assert.Equal("mqueue", m["/dev/mqueue"].Type);
        Assert.Equal("sysfs", m["/sys"].Type);
        Assert.StartsWith("ro", m["/sys"].Opts);
    }

    /// <summary>
    /// A "cgroup" mount in a container without a cgroup namespace of its own (Docker on cgroup v1,
    /// `runc spec`): every hierarchy of the host, read-only, showing the host's tree. The cgroup2 one
    /// is bound from the host's mount (Rootfs/CgroupMount: a fresh cgroup2 mount waits for dying
    /// cgroups), so it must show the same directories as the host's.
    /// </summary>
    [Fact]
    public void Without_a_cgroup_namespace_the_cgroup_mount_shows_the_hosts_hierarchies_read_only()
    {
        bool unified = File.Exists("/sys/fs/cgroup/cgroup.controllers");
        string v2 = unified ? "/sys/fs/cgroup" : "/sys/fs/cgroup/unified";
        Assert.True(Directory.Exists(v2), $"this host has no cgroup2 mount at {v2}: the test cannot run here");
        Action<JsonObject> cgroupMount = c =>
        {
            c["linux"]!["namespaces"] = new JsonArray(c["linux"]!["namespaces"]!.AsArray()
                .Where(n => (string?)n!["type"] != "cgroup").Select(n => n!.DeepClone()).ToArray());
            c["mounts"]!.AsArray().Add(new JsonObject
            {
                ["destination"] = "/sys/fs/cgroup", ["type"] = "cgroup", ["source"] = "cgroup",
                ["options"] = new JsonArray("nosuid", "noexec", "nodev", "relatime", "ro"),
            });
        };
        var m = MountInfo(cgroupMount);
        Assert.Equal("cgroup2", m[v2].Type);
        Assert.StartsWith("ro", m[v2].Opts);
        if (!unified)
            foreach (string h in Directory.GetDirectories("/sys/fs/cgroup").Select(d => Path.GetFileName(d)!).Where(h => h != "unified"))
            {
                Assert.Equal("cgroup", m[$"/sys/fs/cgroup/{h}"].Type);
                Assert.StartsWith("ro", m[$"/sys/fs/cgroup/{h}"].Opts);
            }
        // The hierarchy's root, as on the host (a cgroup namespace would show the container's cgroup instead).
        var r = rt.Run(["sh", "-c", $"ls {v2}; touch {v2}/x"], cgroupMount);
        Assert.Contains("Read-only file system", r.Stderr);
        var inside = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        foreach (string f in new[] { "cgroup.procs", "cgroup.controllers", "cgroup.subtree_control", "cgroup.max.depth" }) Assert.Contains(f, inside);
        Assert.DoesNotContain("cgroup.type", inside); // only non-root cgroups have it: this is the root
    }

    [Fact]
    public void Bind_mounts_honour_ro_and_nosuid()
    {
        string src = Directory.CreateTempSubdirectory("mydocker-bind-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(src, "hello"), "from host");
            var r = rt.Run(["sh", "-c", "cat /data/hello; touch /data/new 2>&1; grep ' /data ' /proc/self/mountinfo"], c =>
                c["mounts"]!.AsArray().Add(new JsonObject
                {
                    ["destination"] = "/data", ["type"] = "bind", ["source"] = src,
                    ["options"] = new JsonArray("rbind", "ro", "nosuid"),
                }));
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.StartsWith("from host", r.Stdout);
            Assert.Contains("Read-only file system", r.Stdout);
            var line = r.Stdout.Trim().Split('\n').Last().Split(' ');
            Assert.StartsWith("ro", line[5]);
            Assert.Contains("nosuid", line[5]);
            Assert.False(File.Exists(Path.Combine(src, "new")));
        }
        finally { Directory.Delete(src, true); }
    }

    [Fact]
    public void Default_devices_and_dev_symlinks_exist()
    {
        var r = rt.Run(["sh", "-c",
            "for d in null zero full random urandom tty; do stat -c '%n %F %t:%T %a' /dev/$d; done; " +
            "for l in fd stdin stdout stderr ptmx; do echo $l $(readlink /dev/$l); done; head -c 3 /dev/zero | wc -c"]);
        Assert.True(r.ExitCode == 0, r.ToString());
        string o = r.Stdout;
        Assert.Contains("/dev/null character special file 1:3 666", o);
        Assert.Contains("/dev/zero character special file 1:5 666", o);
        Assert.Contains("/dev/full character special file 1:7 666", o);
        Assert.Contains("/dev/random character special file 1:8 666", o);
        Assert.Contains("/dev/urandom character special file 1:9 666", o);
        Assert.Contains("/dev/tty character special file 5:0 666", o);
        Assert.Contains("fd /proc/self/fd", o);
        Assert.Contains("stdin /proc/self/fd/0", o);
        Assert.Contains("stdout /proc/self/fd/1", o);
        Assert.Contains("stderr /proc/self/fd/2", o);
        Assert.Contains("ptmx pts/ptmx", o);
        Assert.EndsWith("3\n", o);
    }

    [Fact]
    public void Masked_and_readonly_paths_are_applied()
    {
        var r = rt.Run(["sh", "-c", "wc -c < /proc/keys; ls /sys/firmware | wc -l; (echo 1 > /proc/sys/kernel/ns_last_pid) 2>&1; grep ' /proc/sys ' /proc/self/mountinfo"]);
        Assert.True(r.ExitCode == 0, r.ToString());
        var lines = r.Stdout.Trim().Split('\n');
        Assert.Equal("0", lines[0].Trim());      // /proc/keys: /dev/null bound over it
        Assert.Equal("0", lines[1].Trim());      // /sys/firmware: an empty read-only tmpfs
        Assert.Contains("Read-only file system", r.Stdout);
        Assert.StartsWith("ro", lines.Last().Split(' ')[5]);
    }

    [Fact]
    public void A_mount_escaping_the_rootfs_through_a_symlink_is_refused_and_leaves_nothing()
    {
        // A private rootfs copy with a symlink climbing out of it.
        string root = Directory.CreateTempSubdirectory("mydocker-escape-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "rootfs"));
            foreach (var d in new[] { "bin", "proc", "dev", "sys", "tmp" })
                Directory.CreateDirectory(Path.Combine(root, "rootfs", d));
            File.Copy("/bin/busybox", Path.Combine(root, "rootfs", "bin", "sh"));
            File.CreateSymbolicLink(Path.Combine(root, "rootfs", "evil"), "../../../../../../../../tmp");
            string bundle = rt.Bundle(["/bin/sh", "-c", "true"], c =>
            {
                c["root"]!["path"] = Path.Combine(root, "rootfs");
                c["mounts"]!.AsArray().Add(new JsonObject { ["destination"] = "/evil/x", ["type"] = "tmpfs", ["source"] = "tmpfs" });
            });
            string before = File.ReadAllText("/proc/self/mountinfo");
            var r = rt.Mydocker("run", "--bundle", bundle, "escape");
            Assert.NotEqual(0, r.ExitCode);
            Assert.Single(r.Stderr.Trim().Split('\n'));
            Assert.Contains("/evil/x", r.Stderr);
            Assert.Contains("escapes the rootfs", r.Stderr);
            Assert.Empty(rt.ContainerDirs());
            Assert.False(Directory.Exists("/tmp/x"), "the mount target was created on the host");
            Assert.Equal(before.Split('\n').Length, File.ReadAllText("/proc/self/mountinfo").Split('\n').Length);
        }
        finally { Directory.Delete(root, true); }
    }
}
