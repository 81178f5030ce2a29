using MyDocker.Spec;

namespace MyDocker.Engine.Client;

/// <summary>Where the daemon listens: --host/-H, else DOCKER_HOST, else /run/mydocker/mydocker.sock; only unix:// addresses.</summary>
public static class DaemonAddress
{
    public static string SocketPath(string? hostFlag)
    {
        string? env = Environment.GetEnvironmentVariable("DOCKER_HOST");
        string host = hostFlag ?? (string.IsNullOrEmpty(env) ? "unix://" + Daemon.DaemonOptions.DefaultSocket : env);
        if (host.StartsWith("unix://", StringComparison.Ordinal)) return host[7..];
        if (host.StartsWith('/')) return host;
        throw new MyDockerException($"--host {MessageText.Quote(host)}: only unix:///PATH addresses are supported");
    }
}
