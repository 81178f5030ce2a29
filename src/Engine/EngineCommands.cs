using MyDocker.Spec;

namespace MyDocker.Engine;

/// <summary>The verbs of `mydocker-engine`: daemon, container, image, and the internal monitor.</summary>
public static class EngineCommands
{
    public static int Run(string[] argv)
    {
        if (argv.Length == 0) throw new MyDockerException("usage: mydocker daemon|container|image ...");
        string verb = argv[0];
        string[] rest = argv[1..];
        return verb switch
        {
            "daemon" => Daemon.DaemonHost.Run(rest),
            "monitor" => Monitor.MonitorCommand.Run(rest),
            "container" => Client.ContainerCommands.Run(rest),
            "image" => Client.ImageCommands.Run(rest),
            _ => throw new MyDockerException($"unknown command \"{MessageText.Escape(verb)}\" (see mydocker help)"),
        };
    }
}
