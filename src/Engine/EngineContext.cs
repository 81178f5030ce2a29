using MyDocker.Engine.Api;
using MyDocker.Engine.Containers;
using MyDocker.Engine.Daemon;
using MyDocker.Engine.Images;

namespace MyDocker.Engine;

/// <summary>The daemon's parts, made once at start-up and handed to every endpoint group.</summary>
public sealed class EngineContext
{
    public EngineContext(DaemonOptions options, EngineLog log)
    {
        Options = options;
        Log = log;
        Images = new ImageStore(options.DataRoot);
        foreach (string w in Images.StartupWarnings) log.Line("images: " + w);
        Containers = new ContainerService(this, new ContainerStore(options.DataRoot), Images);
    }

    public DaemonOptions Options { get; }
    public EngineLog Log { get; }
    public ImageStore Images { get; }
    public ContainerService Containers { get; }

    public InfoBody Info()
    {
        var all = Containers.Store.All();
        var info = new InfoBody
        {
            Containers = all.Count,
            ContainersRunning = all.Count(c => c.State.Status == "running"),
            ContainersStopped = all.Count(c => c.State.Status != "running"),
            Images = Images.List().Count,
            ID = Environment.MachineName,
            DockerRootDir = Options.DataRoot,
            KernelVersion = SystemEndpoints.KernelVersion(),
            OperatingSystem = OsName(),
            Architecture = System.Runtime.InteropServices.RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant() == "x64" ? "x86_64" : "aarch64",
            NCPU = Environment.ProcessorCount,
            MemTotal = SystemEndpoints.MemTotal(),
            Name = Environment.MachineName,
            ServerVersion = EngineInfo.Version,
            CgroupVersion = Directory.Exists("/sys/fs/cgroup/memory") ? "1" : "2",
            Runtimes = { ["mydocker"] = new RuntimeBody { Path = Options.Runtime } },
            SecurityOptions = ["name=seccomp,profile=default", "name=userns"],
        };
        return info;
    }

    private static string OsName()
    {
        try
        {
            foreach (string line in File.ReadLines("/etc/os-release"))
                if (line.StartsWith("PRETTY_NAME=", StringComparison.Ordinal)) return line[12..].Trim('"');
        }
        catch (IOException) { }
        return "Linux";
    }
}
