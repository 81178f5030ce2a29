using MyDocker.Runtime.Network;

namespace MyDocker.Engine.Containers;

/// <summary>
/// /etc/resolv.conf, /etc/hostname and /etc/hosts of a container: files in its directory, bound over
/// the image's (as dockerd does), so the image's own files are never written.
/// </summary>
public static class ContainerFiles
{
    public static void Write(string dir, string hostname, string networkMode, List<string>? dns)
    {
        File.WriteAllText(Path.Combine(dir, "hostname"), hostname + "\n");
        string address = networkMode == "slirp4netns" ? SlirpBundle.ContainerAddress : "127.0.1.1";
        File.WriteAllText(Path.Combine(dir, "hosts"),
            "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n" + (networkMode == "host" ? "" : $"{address}\t{hostname}\n"));
        File.WriteAllText(Path.Combine(dir, "resolv.conf"), ResolvConf(networkMode, dns));
    }

    /// <summary>--dns servers if given; with slirp4netns its forwarder; otherwise the host's file, as Docker copies it.</summary>
    private static string ResolvConf(string networkMode, List<string>? dns)
    {
        if (dns is { Count: > 0 }) return string.Concat(dns.Select(d => $"nameserver {d}\n"));
        if (networkMode == "slirp4netns") return SlirpBundle.ResolvConf;
        try { return File.ReadAllText("/etc/resolv.conf"); }
        catch (IOException) { return ""; }
    }
}
