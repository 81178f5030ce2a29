using System.Text.Json.Serialization;

namespace MyDocker.Engine.Api.Models;

/// <summary>POST /containers/{id}/exec: what to run in the container.</summary>
public sealed class ExecConfigBody
{
    public bool AttachStdin { get; set; }
    public bool AttachStdout { get; set; }
    public bool AttachStderr { get; set; }
    public string? DetachKeys { get; set; }
    public bool Tty { get; set; }
    public List<string>? Env { get; set; }
    [JsonConverter(typeof(StrSliceConverter))] public List<string>? Cmd { get; set; }
    public bool Privileged { get; set; }
    public string? User { get; set; }
    public string? WorkingDir { get; set; }
}

/// <summary>POST /exec/{id}/start.</summary>
public sealed class ExecStartBody
{
    public bool Detach { get; set; }
    public bool Tty { get; set; }
}
