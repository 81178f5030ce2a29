using MyDocker.Runtime.Namespaces;
using MyDocker.Runtime.Interop;
using MyDocker.Runtime.Network;
using MyDocker.Runtime.Process;
using MyDocker.Spec;

namespace MyDocker.Cli;

/// <summary>
/// `mydocker spec [--rootless] [--bundle DIR] [--net none|slirp4netns [--publish P]...]`: write a default
/// config.json, like `runc spec`. With --net slirp4netns the container also gets a network: this
/// binary's slirp4netns hook under createRuntime and poststop, and /etc/resolv.conf bound from a
/// file the bundle holds (SlirpBundle).
/// </summary>
public static class SpecCommand
{
    public static int Run(CommandContext ctx)
    {
        bool rootless = false;
        string bundle = ".";
        string net = "none";
        var slirp = new SlirpOptions();
        var a = ctx.Args;
        while (!a.AtEnd)
        {
            if (!a.AtFlag) throw new MyDockerException($"spec: unexpected argument \"{a.Peek}\"");
            string name = a.NextFlag(out string? v);
            switch (name)
            {
                case "rootless": rootless = true; break;
                case "b" or "bundle": bundle = a.FlagValue(name, v); break;
                case "net": net = a.FlagValue(name, v); break;
                case "p" or "publish": slirp.Publish.Add(PortMapping.Parse(a.FlagValue(name, v))); break;
                default: throw new MyDockerException($"spec: unknown flag --{name}");
            }
        }
        if (net is not ("none" or "slirp4netns")) throw new MyDockerException($"spec: --net {MessageText.Quote(net)}: use none or slirp4netns");
        if (net == "none" && slirp.Publish.Count > 0) throw new MyDockerException("spec: --publish needs --net slirp4netns");
        string file = Path.Combine(bundle, ConfigLoader.FileName);
        if (File.Exists(file)) throw new MyDockerException($"spec: {file} already exists (remove it first)");
        uint uid = Libc.GetUid();
        var config = rootless
            ? DefaultSpec.Create(true, uid, Libc.GetGid(), SubordinateRanges.Of(uid, "/etc/subuid"), SubordinateRanges.Of(uid, "/etc/subgid"))
            : DefaultSpec.Create(false);
        if (net == "slirp4netns")
        {
            // Without root, the hook keeps its directory in the user's runtime directory, found
            // through XDG_RUNTIME_DIR (else /run/user/UID): hooks inherit no environment.
            string? xdg = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
            List<string>? hookEnv = uid != 0 && !string.IsNullOrEmpty(xdg) ? [$"XDG_RUNTIME_DIR={xdg}"] : null;
            SlirpBundle.AddNetwork(config, MydockerBinary.SelfPath(), slirp, hookEnv);
            string resolv = Path.Combine(bundle, SlirpBundle.ResolvConfFile);
            ErrorText.Io($"spec: writing {resolv}", () => File.WriteAllText(resolv, SlirpBundle.ResolvConf));
        }
        ErrorText.Io($"spec: writing {file}", () => File.WriteAllText(file, SpecJson.SerializeConfig(config) + "\n"));
        return 0;
    }
}
