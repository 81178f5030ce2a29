using MyDocker.Runtime.Init;

namespace MyDocker.Cli;

/// <summary>`mydocker init`: internal; the container's first process runs it (see ContainerInit).</summary>
public static class InitCommand
{
    public static int Run() => ContainerInit.Main();
}
