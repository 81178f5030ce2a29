namespace MyDocker.Runtime.Network;

/// <summary>
/// What the slirp4netns hook is asked for, as its command line carries it:
///   mydocker hook slirp4netns [--publish P]... [--allow-host-loopback] [--mtu N] [--dir DIR] [--slirp4netns PATH]
/// The same object writes that command line (<see cref="HookArgs"/>) for `spec --net slirp4netns` and
/// for the engine, so what is written and what is read cannot drift apart.
/// </summary>
public sealed class SlirpOptions
{
    /// <summary>slirp4netns's largest MTU; the default 1500 makes bulk TCP several times slower.</summary>
    public const int DefaultMtu = 65520;

    public List<PortMapping> Publish { get; } = new();

    /// <summary>Let the container reach the host's 127.0.0.1 at 10.0.2.2 (slirp4netns's --disable-host-loopback is the default here, as in podman).</summary>
    public bool AllowHostLoopback { get; set; }

    public int Mtu { get; set; } = DefaultMtu;

    /// <summary>The container's network directory (API socket, pid files, log); default <see cref="NetworkDir.For"/>.</summary>
    public string? Dir { get; set; }

    /// <summary>The slirp4netns program: a path, or a name looked up in PATH.</summary>
    public string Program { get; set; } = "slirp4netns";

    /// <summary>The hook's argv after "mydocker hook slirp4netns", defaults left out.</summary>
    public List<string> HookArgs()
    {
        var args = new List<string>();
        foreach (var p in Publish) { args.Add("--publish"); args.Add(p.ToString()); }
        if (AllowHostLoopback) args.Add("--allow-host-loopback");
        if (Mtu != DefaultMtu) { args.Add("--mtu"); args.Add(Mtu.ToString(System.Globalization.CultureInfo.InvariantCulture)); }
        if (Dir != null) { args.Add("--dir"); args.Add(Dir); }
        if (Program != "slirp4netns") { args.Add("--slirp4netns"); args.Add(Program); }
        return args;
    }
}
