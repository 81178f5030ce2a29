namespace MyDocker.EngineTests.Daemon;

/// <summary>`docker rm -f` of a running container leaves nothing of it on the host.</summary>
[Collection("daemon")]
public class CleanupTests(DaemonFixture daemon)
{
    [Fact]
    public void Rm_force_leaves_no_mount_directory_cgroup_process_or_state()
    {
        var docker = new DockerCli(daemon, DockerCli.Docker28);
        string id = docker.Ok("run", "-d", "--memory", "64m", DaemonFixture.Image, "sleep", "60").Trim();
        string dir = Path.Combine(daemon.DataRoot, "containers", id);
        string memory = KernelView.CgroupDir("memory", id), pids = KernelView.CgroupDir("pids", id);
        string state = Path.Combine(daemon.RuntimeRoot, id);
        int pid = (int)docker.Inspect(id)["State"]!["Pid"]!;

        // Everything is there while it runs (so the absences below mean something).
        Assert.Contains(Path.Combine(dir, "rootfs"), KernelView.MountsUnder(daemon.DataRoot));
        Assert.True(Directory.Exists(Path.Combine(dir, "upper")), $"{dir}/upper missing while running");
        Assert.True(Directory.Exists(memory), $"{memory} missing while running");
        Assert.True(Directory.Exists(state), $"{state} missing while running");
        Assert.Contains(KernelView.ProcessesMentioning(id), p => File.ReadAllText($"/proc/{p}/cmdline").Contains("monitor"));
        Assert.Equal("ok\n", docker.Ok("exec", id, "echo", "ok")); // an exec's monitor, gone by now

        docker.Ok("rm", "-f", id);

        Assert.True(DockerCli.Eventually(() => KernelView.ProcessesMentioning(id).Count == 0, 5),
            "processes naming the container after rm -f: " + string.Join(", ", KernelView.ProcessesMentioning(id).Select(p => $"{p}: {File.ReadAllText($"/proc/{p}/cmdline").Replace('\0', ' ')}")));
        Assert.False(KernelView.Alive(pid), $"init {pid} still runs");
        Assert.Empty(KernelView.MountsUnder(dir));
        Assert.False(Directory.Exists(dir), $"{dir} (the overlay's upper/work/rootfs) is still there");
        Assert.False(Directory.Exists(memory), $"{memory} is still there");
        Assert.False(Directory.Exists(pids), $"{pids} is still there");
        Assert.False(Directory.Exists(state), $"{state} (the runtime's state) is still there");
        Assert.False(Directory.Exists(Path.Combine("/run/mydocker-net", id)), $"/run/mydocker-net/{id} (the slirp4netns hook's directory) is still there");
        Assert.Equal(404, daemon.Api("GET", $"/v1.41/containers/{id}/json").Status);
        // The monitors are the daemon's children: each was reaped when it exited.
        Assert.True(DockerCli.Eventually(() => KernelView.ZombieChildren(daemon.DaemonPid).Count == 0, 2),
            "the daemon's unreaped children: " + string.Join(", ", KernelView.ZombieChildren(daemon.DaemonPid)));
    }
}
