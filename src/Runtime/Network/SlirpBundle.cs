using MyDocker.Spec.Model;

namespace MyDocker.Runtime.Network;

/// <summary>
/// What a config.json needs for a slirp4netns network: its own network namespace, the hook under
/// createRuntime (start) and poststop (stop), and /etc/resolv.conf naming slirp4netns's DNS forwarder.
/// Used by `mydocker spec --net slirp4netns`.
/// </summary>
public static class SlirpBundle
{
    /// <summary>slirp4netns's built-in addresses with --configure on its default 10.0.2.0/24.</summary>
    public const string ContainerAddress = "10.0.2.100", Gateway = "10.0.2.2", Nameserver = "10.0.2.3";

    /// <summary>The bundle file bound onto /etc/resolv.conf: the image's own file is never written.</summary>
    public const string ResolvConfFile = "resolv.conf";
    public const string ResolvConf = "# written by mydocker: slirp4netns forwards DNS from " + Nameserver + " to the host's resolvers\nnameserver " + Nameserver + "\n";

    /// <summary>
    /// Adds the network to <paramref name="config"/>; <paramref name="mydocker"/> is this binary's
    /// absolute path. <paramref name="hookEnv"/>: the hooks' environment (a user without root passes
    /// its XDG_RUNTIME_DIR, where the hook keeps the network directory; a hook inherits nothing).
    /// </summary>
    public static void AddNetwork(Config config, string mydocker, SlirpOptions options, List<string>? hookEnv = null)
    {
        var linux = config.Linux ??= new Linux();
        linux.Namespaces ??= new List<Namespace>();
        if (!linux.Namespaces.Any(n => n.Type == "network")) linux.Namespaces.Add(new Namespace { Type = "network" });

        var hooks = config.Hooks ??= new Spec.Model.Hooks();
        (hooks.CreateRuntime ??= new List<Hook>()).Add(new Hook { Path = mydocker, Args = ["mydocker", "hook", "slirp4netns", .. options.HookArgs()], Env = hookEnv });
        var stop = new SlirpOptions { Dir = options.Dir };
        (hooks.Poststop ??= new List<Hook>()).Add(new Hook { Path = mydocker, Args = ["mydocker", "hook", "slirp4netns", "--stop", .. stop.HookArgs()], Env = hookEnv });

        (config.Mounts ??= new List<Mount>()).Add(new Mount
        {
            Destination = "/etc/resolv.conf", Type = "bind", Source = ResolvConfFile, Options = ["rbind", "ro", "nosuid", "nodev", "noexec"],
        });
    }
}
