using MyDocker.Engine.Api.Models;

namespace MyDocker.Engine.Containers;

/// <summary>
/// What the daemon knows of one container, saved as DATA/containers/ID/container.json after every
/// change, so a restarted daemon knows it again. The monitor's files beside it (exit.json,
/// container.log, attach.sock) are the truth about the process; this record is the daemon's view.
/// </summary>
public sealed class ContainerRecord
{
    public string Id { get; set; } = "";
    /// <summary>Docker's form: with a leading slash ("/web").</summary>
    public string Name { get; set; } = "";
    public DateTime Created { get; set; }
    /// <summary>The image as the client named it, and the id it resolved to.</summary>
    public string Image { get; set; } = "";
    public string ImageId { get; set; } = "";
    public ContainerConfigBody Config { get; set; } = new();
    /// <summary>process.args as the bundle has them.</summary>
    public List<string> Args { get; set; } = [];
    public string NetworkMode { get; set; } = "";
    public List<string> Ports { get; set; } = [];
    public uint UserNamespaceHostStart { get; set; }
    public uint UserNamespaceSize { get; set; }
    public ContainerState State { get; set; } = new();

    public string ShortId => Id[..12];
}

/// <summary>Docker's State object, as inspect shows it.</summary>
public sealed class ContainerState
{
    /// <summary>created, running, exited (Docker's words), or removing.</summary>
    public string Status { get; set; } = "created";
    public int Pid { get; set; }
    public int MonitorPid { get; set; }
    public int ExitCode { get; set; }
    public bool OOMKilled { get; set; }
    public string Error { get; set; } = "";
    public DateTime StartedAt { get; set; }
    public DateTime FinishedAt { get; set; }
}
