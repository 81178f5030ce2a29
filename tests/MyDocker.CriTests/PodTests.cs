using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Grpc.Net.Client;
using MyDocker.CriTests.Cri;

namespace MyDocker.CriTests;

/// <summary>
/// What the kubelet asks of containerd for a pod, through the runtime handler "mydocker" (what a
/// RuntimeClass selects): a sandbox, two containers in it, their status, log and exec, then all of
/// it stopped and removed. tests/engines/run.sh starts containerd with the CRI plugin and that
/// handler, imports the images, and sets the environment below; run alone, the test says so.
/// </summary>
public class PodTests
{
    private static string Env(string name) => Environment.GetEnvironmentVariable(name)
        ?? throw new InvalidOperationException($"{name} is not set: this test runs from tests/engines/run.sh (make test-engines), which starts containerd with the CRI plugin");

    private static RuntimeService.RuntimeServiceClient Client()
    {
        string socket = Env("CRI_SOCKET");
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) =>
            {
                var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await s.ConnectAsync(new UnixDomainSocketEndPoint(socket), ct);
                return new NetworkStream(s, ownsSocket: true);
            },
        };
        // gRPC is HTTP/2; over a Unix socket the address's host is never looked up.
        var channel = GrpcChannel.ForAddress("http://localhost", new GrpcChannelOptions { HttpHandler = handler });
        return new RuntimeService.RuntimeServiceClient(channel);
    }

    private static DateTime Deadline => DateTime.UtcNow.AddSeconds(60);

    [Fact]
    public async Task A_pod_of_two_containers_runs_through_the_mydocker_handler()
    {
        var cri = Client();
        string logs = Env("CRI_LOG_DIR"), calls = Env("RUNTIME_CALLS");
        var version = await cri.VersionAsync(new VersionRequest { Version = "v1" }, deadline: Deadline);
        Assert.Equal("containerd", version.RuntimeName);

        var sandboxConfig = new PodSandboxConfig
        {
            Metadata = new PodSandboxMetadata { Name = "pod1", Uid = Guid.NewGuid().ToString(), Namespace = "default" },
            Hostname = "pod1",
            LogDirectory = logs,
            Linux = new LinuxPodSandboxConfig
            {
                SecurityContext = new LinuxSandboxSecurityContext
                {
                    // As the kubelet sends it for a pod: its own network and IPC, a pid namespace per container.
                    NamespaceOptions = new NamespaceOption { Network = NamespaceMode.Pod, Ipc = NamespaceMode.Pod, Pid = NamespaceMode.Container },
                },
            },
        };
        string pod = (await cri.RunPodSandboxAsync(new RunPodSandboxRequest { Config = sandboxConfig, RuntimeHandler = "mydocker" }, deadline: Deadline)).PodSandboxId;
        try
        {
            string c1 = await Create(cri, pod, sandboxConfig, "c1", "echo hello from c1; exec sleep 300");
            string c2 = await Create(cri, pod, sandboxConfig, "c2", "echo hello from c2; sleep 2; exit 5");
            await cri.StartContainerAsync(new StartContainerRequest { ContainerId = c1 }, deadline: Deadline);
            await cri.StartContainerAsync(new StartContainerRequest { ContainerId = c2 }, deadline: Deadline);

            // Both containers joined the sandbox's network and IPC namespaces by path (their
            // config.json says so), and the kernel agrees: the same namespaces, not the host's.
            var (pid1, spec1) = await PidAndSpec(cri, c1);
            var (pid2, spec2) = await PidAndSpec(cri, c2);
            foreach (string ns in new[] { "network", "ipc" })
            {
                string? path1 = NamespacePath(spec1, ns), path2 = NamespacePath(spec2, ns);
                Assert.False(string.IsNullOrEmpty(path1), $"c1's {ns} namespace has no path in its config.json");
                Assert.Equal(path1, path2);
            }
            foreach (string ns in new[] { "net", "ipc" })
            {
                string a = Namespace(pid1, ns), b = Namespace(pid2, ns);
                Assert.Equal(a, b);
                Assert.NotEqual(Namespace(1, ns), a);
            }
            Assert.Equal(Namespace(pid1, "net"), Inode(NamespacePath(spec1, "network")!));
            Assert.NotEqual(Namespace(pid1, "pid"), Namespace(pid2, "pid")); // pid: CONTAINER

            var exec = await cri.ExecSyncAsync(new ExecSyncRequest { ContainerId = c1, Cmd = { "/bin/sh", "-c", "echo exec-out; hostname; exit 3" }, Timeout = 10 }, deadline: Deadline);
            Assert.Equal("exec-out\npod1\n", exec.Stdout.ToStringUtf8());
            Assert.Equal(3, exec.ExitCode);

            var status2 = await WaitExited(cri, c2);
            Assert.Equal(5, status2.ExitCode);
            string log1 = Path.Combine(logs, "c1.log"), log2 = Path.Combine(logs, "c2.log");
            Assert.Contains(" stdout F hello from c1", File.ReadAllText(log1)); // CRI's log format: time, stream, tag, line
            Assert.Contains(" stdout F hello from c2", File.ReadAllText(log2));

            await cri.StopContainerAsync(new StopContainerRequest { ContainerId = c1, Timeout = 1 }, deadline: Deadline);
            var status1 = (await cri.ContainerStatusAsync(new ContainerStatusRequest { ContainerId = c1 }, deadline: Deadline)).Status;
            Assert.Equal(ContainerState.ContainerExited, status1.State);
            Assert.Equal(137, status1.ExitCode); // sh as PID 1 ignores SIGTERM: killed after 1 s
            Assert.False(Alive(pid1), $"c1's process {pid1} still runs");

            await cri.RemoveContainerAsync(new RemoveContainerRequest { ContainerId = c1 }, deadline: Deadline);
            await cri.RemoveContainerAsync(new RemoveContainerRequest { ContainerId = c2 }, deadline: Deadline);

            // Every container, the sandbox's included, went through mydocker (the handler's BinaryName).
            string log = File.ReadAllText(calls);
            foreach (string id in new[] { pod, c1, c2 })
                Assert.Contains($"rc=0 mydocker", log.Split('\n').FirstOrDefault(l => l.Contains(" create ") && l.EndsWith(" " + id)) ?? $"(no create of {id} in {calls})");
        }
        finally
        {
            await cri.StopPodSandboxAsync(new StopPodSandboxRequest { PodSandboxId = pod }, deadline: Deadline);
            await cri.RemovePodSandboxAsync(new RemovePodSandboxRequest { PodSandboxId = pod }, deadline: Deadline);
        }
    }

    private static async Task<string> Create(RuntimeService.RuntimeServiceClient cri, string pod, PodSandboxConfig sandbox, string name, string script)
    {
        var config = new ContainerConfig
        {
            Metadata = new ContainerMetadata { Name = name },
            Image = new ImageSpec { Image = Env("CRI_IMAGE") },
            Command = { "/bin/sh", "-c", script },
            LogPath = name + ".log",
            Linux = new LinuxContainerConfig
            {
                SecurityContext = new LinuxContainerSecurityContext
                {
                    NamespaceOptions = new NamespaceOption { Network = NamespaceMode.Pod, Ipc = NamespaceMode.Pod, Pid = NamespaceMode.Container },
                },
            },
        };
        return (await cri.CreateContainerAsync(new CreateContainerRequest { PodSandboxId = pod, Config = config, SandboxConfig = sandbox }, deadline: Deadline)).ContainerId;
    }

    /// <summary>The container's pid and OCI spec, from containerd's verbose status ("info": JSON).</summary>
    private static async Task<(int Pid, JsonNode Spec)> PidAndSpec(RuntimeService.RuntimeServiceClient cri, string id)
    {
        var status = await cri.ContainerStatusAsync(new ContainerStatusRequest { ContainerId = id, Verbose = true }, deadline: Deadline);
        Assert.Equal(ContainerState.ContainerRunning, status.Status.State);
        var info = JsonNode.Parse(status.Info["info"])!;
        return ((int)info["pid"]!, info["runtimeSpec"]!);
    }

    private static string? NamespacePath(JsonNode spec, string type) =>
        spec["linux"]?["namespaces"]?.AsArray().FirstOrDefault(n => (string?)n?["type"] == type)?["path"]?.GetValue<string>();

    private static string Namespace(int pid, string ns) => new FileInfo($"/proc/{pid}/ns/{ns}").LinkTarget ?? "";

    /// <summary>"net:[INODE]" for a namespace file such as /run/netns/cni-…, as /proc/PID/ns/net reads.</summary>
    private static string Inode(string path)
    {
        var psi = new System.Diagnostics.ProcessStartInfo("stat", ["-L", "-c", "%i", path]) { RedirectStandardOutput = true };
        using var p = System.Diagnostics.Process.Start(psi)!;
        string inode = p.StandardOutput.ReadToEnd().Trim();
        p.WaitForExit();
        return $"net:[{inode}]";
    }

    private static bool Alive(int pid)
    {
        try { return !File.ReadAllText($"/proc/{pid}/stat").Split(')').Last().TrimStart().StartsWith('Z'); }
        catch (IOException) { return false; }
    }

    private static async Task<ContainerStatus> WaitExited(RuntimeService.RuntimeServiceClient cri, string id)
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var s = (await cri.ContainerStatusAsync(new ContainerStatusRequest { ContainerId = id }, deadline: Deadline)).Status;
            if (s.State == ContainerState.ContainerExited || DateTime.UtcNow > until) return s;
            await Task.Delay(100);
        }
    }
}
