using System.Globalization;
using MyDocker.Runtime.Network;
using MyDocker.Spec;

namespace MyDocker.Cli;

/// <summary>
/// `mydocker hook NAME [options]`: hook programs a config.json lists, so none needs installing apart.
///   hook slirp4netns [--publish [IP:]HOSTPORT:PORT[/tcp|udp]]... [--allow-host-loopback] [--mtu N] [--dir DIR] [--slirp4netns PATH]
///       under hooks.createRuntime: the container gets tap0 through slirp4netns (Runtime/Network/SlirpHook)
///   hook slirp4netns --stop [--dir DIR]
///       under hooks.poststop: nothing of it outlives the container
///   hook slirp4netns-watcher --pid PID --dir DIR ...
///       internal: started by the hook above, never by hand (Runtime/Network/SlirpWatcher)
/// The container's state comes on stdin (runtime.md "State"), as for every hook.
/// </summary>
public static class HookCommand
{
    public const string Usage = "usage: mydocker hook slirp4netns [--publish [IP:]HOSTPORT:PORT[/tcp|udp]]... [--allow-host-loopback] [--mtu N] [--dir DIR] [--slirp4netns PATH] | slirp4netns --stop [--dir DIR]";

    public static int Run(CommandContext ctx)
    {
        var a = ctx.Args;
        if (a.AtEnd) throw new MyDockerException($"hook: which hook? {Usage}");
        string name = a.Next();
        if (name is not ("slirp4netns" or SlirpHook.WatcherVerb))
            throw new MyDockerException($"hook: unknown hook \"{MessageText.Escape(name)}\" ({Usage})");

        var options = new SlirpOptions();
        bool stop = false;
        int pid = 0;
        while (!a.AtEnd)
        {
            if (!a.AtFlag) throw new MyDockerException($"hook {name}: unexpected argument {MessageText.Quote(a.Peek!)}");
            string flag = a.NextFlag(out string? v);
            switch (flag)
            {
                case "p" or "publish": options.Publish.Add(PortMapping.Parse(a.FlagValue(flag, v))); break;
                case "allow-host-loopback": options.AllowHostLoopback = true; break;
                case "mtu": options.Mtu = Number(flag, a.FlagValue(flag, v), 576, 65520); break;
                case "dir": options.Dir = Path.GetFullPath(a.FlagValue(flag, v)); break;
                case "slirp4netns": options.Program = a.FlagValue(flag, v); break;
                case "stop" when name == "slirp4netns": stop = true; break;
                case "pid" when name == SlirpHook.WatcherVerb: pid = Number(flag, a.FlagValue(flag, v), 1, int.MaxValue); break;
                default: throw new MyDockerException($"hook {name}: unknown flag --{flag} ({Usage})");
            }
        }

        if (name == SlirpHook.WatcherVerb)
        {
            if (pid == 0 || options.Dir == null) throw new MyDockerException($"hook {name}: internal: needs --pid and --dir");
            return SlirpWatcher.Run(options, pid, options.Dir);
        }
        string state = ErrorText.Io("hook slirp4netns: reading the container state on stdin", () => Console.In.ReadToEnd());
        if (stop) SlirpHook.Stop(options, state);
        else SlirpHook.Start(options, state);
        return 0;
    }

    private static int Number(string flag, string text, int min, int max) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= min && n <= max
            ? n : throw new MyDockerException($"flag --{flag}: \"{MessageText.Escape(text)}\" is not a number from {min} to {max}");
}
