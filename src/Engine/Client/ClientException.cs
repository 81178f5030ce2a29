using MyDocker.Spec;

namespace MyDocker.Engine.Client;

/// <summary>An error answer of the daemon ({"message": ...} with its status), or no daemon at all (Status 0). The client prints the message and exits 125, as docker does.</summary>
public sealed class ClientException(int status, string message) : MyDockerException(message)
{
    public int Status { get; } = status;
}
