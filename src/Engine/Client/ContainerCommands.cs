using MyDocker.Engine.Client.Commands;
using MyDocker.Spec;

namespace MyDocker.Engine.Client;

/// <summary>
/// `mydocker container [--host unix:///PATH] VERB ...`: the client's verbs for containers, each in
/// Commands/ and each a few calls of the daemon's API (the Docker Engine API), as docker's CLI makes.
/// The exit code is the verb's: the container's for run, start -a, exec and wait; 0 or 1 otherwise;
/// 125 for an error of the client or the daemon (Program prints it as one line).
/// </summary>
public static class ContainerCommands
{
    public const string Usage = "usage: mydocker container [--host unix:///PATH] run|create|start|ls|logs|attach|stop|kill|restart|rm|inspect|exec|top|stats|wait ...";

    public static int Run(string[] argv)
    {
        var (api, verb, rest) = GlobalFlags.Parse("container", argv, Usage);
        using (api)
        {
            Task<int> task = verb switch
            {
                "run" => RunCommand.Run(api, rest),
                "create" => RunCommand.Create(api, rest),
                "start" => RunCommand.Start(api, rest),
                "attach" => RunCommand.Attach(api, rest),
                "ls" or "ps" or "list" => ListCommand.Run(api, rest),
                "logs" => LogsCommand.Run(api, rest),
                "stop" => LifecycleCommands.Stop(api, rest),
                "kill" => LifecycleCommands.Kill(api, rest),
                "restart" => LifecycleCommands.Restart(api, rest),
                "rm" or "remove" => LifecycleCommands.Remove(api, rest),
                "wait" => LifecycleCommands.Wait(api, rest),
                "inspect" => InspectCommand.Container(api, rest),
                "exec" => ExecCommand.Run(api, rest),
                "top" => TopCommand.Run(api, rest),
                "stats" => StatsCommand.Run(api, rest),
                _ => throw new MyDockerException($"container: unknown command {MessageText.Quote(verb)} ({Usage})"),
            };
            try { return task.GetAwaiter().GetResult(); }
            catch (StartFailed e)
            {
                Streams.StdStreams.ErrorLine($"mydocker: {e.Message}");
                return e.ExitCode;
            }
        }
    }
}

/// <summary>The client's global flag, which comes before the verb: --host/-H unix:///PATH (else DOCKER_HOST, else the default socket).</summary>
public static class GlobalFlags
{
    public static (ApiClient Api, string Verb, string[] Arguments) Parse(string group, string[] argv, string usage)
    {
        string? host = null;
        int i = 0;
        for (; i < argv.Length && argv[i].StartsWith('-'); i++)
        {
            string a = argv[i];
            if (a is "--host" or "-H")
            {
                if (i + 1 >= argv.Length) throw new MyDockerException($"{group}: flag {a} needs a value (unix:///PATH)");
                host = argv[++i];
            }
            else if (a.StartsWith("--host=", StringComparison.Ordinal)) host = a[7..];
            else if (a is "--help" or "-h") throw new MyDockerException(usage);
            else throw new MyDockerException($"{group}: unknown flag {MessageText.Quote(a)} ({usage})");
        }
        if (i >= argv.Length) throw new MyDockerException(usage);
        return (new ApiClient(DaemonAddress.SocketPath(host)), argv[i], argv[(i + 1)..]);
    }
}
