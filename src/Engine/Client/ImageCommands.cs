using MyDocker.Engine.Client.Commands;
using MyDocker.Spec;

namespace MyDocker.Engine.Client;

/// <summary>`mydocker image [--host unix:///PATH] VERB ...`: import, load, ls, inspect, tag, rm.</summary>
public static class ImageCommands
{
    public const string Usage = "usage: mydocker image [--host unix:///PATH] import|load|ls|inspect|tag|rm ...";

    public static int Run(string[] argv)
    {
        var (api, verb, rest) = GlobalFlags.Parse("image", argv, Usage);
        using (api)
        {
            Task<int> task = verb switch
            {
                "import" => ImageTransferCommands.Import(api, rest),
                "load" => ImageTransferCommands.Load(api, rest),
                "ls" or "list" => ImageListCommand.Run(api, rest),
                "inspect" => InspectCommand.Image(api, rest),
                "tag" => ImageTagCommands.Tag(api, rest),
                "rm" or "remove" => ImageTagCommands.Remove(api, rest),
                _ => throw new MyDockerException($"image: unknown command {MessageText.Quote(verb)} ({Usage})"),
            };
            return task.GetAwaiter().GetResult();
        }
    }
}
