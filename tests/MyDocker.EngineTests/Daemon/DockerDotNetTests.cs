using Docker.DotNet;
using Docker.DotNet.Models;

namespace MyDocker.EngineTests.Daemon;

/// <summary>
/// Docker.DotNet (NuGet), the .NET SDK of the Docker Engine API: a client with typed models that
/// deserializes our answers into Docker's own shapes, reads multiplexed streams by their 8-byte
/// headers, and upgrades connections for exec. Unversioned paths, as the library sends them.
/// </summary>
[Collection("daemon")]
public class DockerDotNetTests(DaemonFixture daemon)
{
    private DockerClient Client() => new DockerClientConfiguration(new Uri(daemon.DockerHost)).CreateClient();

    private static CancellationToken Timeout => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    [Fact]
    public async Task Version_ping_and_images()
    {
        using var client = Client();
        await client.System.PingAsync(Timeout);
        var version = await client.System.GetVersionAsync(Timeout);
        Assert.Equal("1.41", version.APIVersion);
        Assert.Equal("linux", version.Os);
        var images = await client.Images.ListImagesAsync(new ImagesListParameters(), Timeout);
        Assert.Contains(images, i => i.RepoTags != null && i.RepoTags.Contains(DaemonFixture.Image));
    }

    [Fact]
    public async Task Create_start_wait_logs_inspect_list_remove()
    {
        using var client = Client();
        var created = await client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = DaemonFixture.Image,
            Cmd = ["sh", "-c", "echo out; echo err >&2; exit 3"],
            Labels = new Dictionary<string, string> { ["test"] = "dotnet" },
        }, Timeout);
        try
        {
            Assert.Equal(64, created.ID.Length);
            Assert.True(await client.Containers.StartContainerAsync(created.ID, new ContainerStartParameters(), Timeout));
            var waited = await client.Containers.WaitContainerAsync(created.ID, Timeout);
            Assert.Equal(3, waited.StatusCode);

            using (var logs = await client.Containers.GetContainerLogsAsync(created.ID, tty: false,
                       new ContainerLogsParameters { ShowStdout = true, ShowStderr = true }, Timeout))
            {
                var (stdout, stderr) = await logs.ReadOutputToEndAsync(Timeout);
                Assert.Equal("out\n", stdout);
                Assert.Equal("err\n", stderr);
            }

            var inspect = await client.Containers.InspectContainerAsync(created.ID, Timeout);
            Assert.Equal("exited", inspect.State.Status);
            Assert.False(inspect.State.Running);
            Assert.Equal(3, inspect.State.ExitCode);
            Assert.Equal(DaemonFixture.Image, inspect.Config.Image);
            Assert.Equal("dotnet", inspect.Config.Labels["test"]);

            var all = await client.Containers.ListContainersAsync(new ContainersListParameters { All = true }, Timeout);
            Assert.Contains(all, c => c.ID == created.ID && c.State == "exited");
            var running = await client.Containers.ListContainersAsync(new ContainersListParameters(), Timeout);
            Assert.DoesNotContain(running, c => c.ID == created.ID);
        }
        finally
        {
            await client.Containers.RemoveContainerAsync(created.ID, new ContainerRemoveParameters { Force = true }, Timeout);
        }
        await Assert.ThrowsAsync<DockerContainerNotFoundException>(() => client.Containers.InspectContainerAsync(created.ID, Timeout));
    }

    [Fact]
    public async Task Exec_into_a_running_container_then_stop()
    {
        using var client = Client();
        var created = await client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = DaemonFixture.Image,
            Cmd = ["sleep", "60"],
        }, Timeout);
        try
        {
            await client.Containers.StartContainerAsync(created.ID, new ContainerStartParameters(), Timeout);
            var exec = await client.Exec.ExecCreateContainerAsync(created.ID, new ContainerExecCreateParameters
            {
                Cmd = ["sh", "-c", "echo hi; echo oops >&2; exit 4"],
                AttachStdout = true,
                AttachStderr = true,
            }, Timeout);
            using (var stream = await client.Exec.StartAndAttachContainerExecAsync(exec.ID, tty: false, Timeout))
            {
                var (stdout, stderr) = await stream.ReadOutputToEndAsync(Timeout);
                Assert.Equal("hi\n", stdout);
                Assert.Equal("oops\n", stderr);
            }
            ContainerExecInspectResponse inspected = await client.Exec.InspectContainerExecAsync(exec.ID, Timeout);
            for (int i = 0; i < 100 && inspected.Running; i++)
            {
                await Task.Delay(50);
                inspected = await client.Exec.InspectContainerExecAsync(exec.ID, Timeout);
            }
            Assert.False(inspected.Running);
            Assert.Equal(4, inspected.ExitCode);

            Assert.True(await client.Containers.StopContainerAsync(created.ID, new ContainerStopParameters { WaitBeforeKillSeconds = 1 }, Timeout));
            var inspect = await client.Containers.InspectContainerAsync(created.ID, Timeout);
            Assert.False(inspect.State.Running);
            Assert.Equal(137, inspect.State.ExitCode); // sleep as PID 1 ignores SIGTERM: killed after 1 s
        }
        finally
        {
            await client.Containers.RemoveContainerAsync(created.ID, new ContainerRemoveParameters { Force = true }, Timeout);
        }
    }

    [Fact]
    public async Task Errors_arrive_as_Docker_DotNet_exceptions_with_our_message()
    {
        using var client = Client();
        var notFound = await Assert.ThrowsAsync<DockerContainerNotFoundException>(() => client.Containers.InspectContainerAsync("nosuch", Timeout));
        Assert.Contains("No such container: nosuch", notFound.ResponseBody);
        var noImage = await Assert.ThrowsAsync<DockerImageNotFoundException>(() =>
            client.Containers.CreateContainerAsync(new CreateContainerParameters { Image = "nosuch:latest" }, Timeout));
        Assert.Contains("nosuch", noImage.ResponseBody);
    }
}
