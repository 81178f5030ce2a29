using System.Net;
using System.Net.Sockets;

namespace MyDocker.IntegrationTests.Harness;

/// <summary>The host's side of a slirp4netns network: a free loopback port, an HTTP GET that waits for the server, whether a port still listens, the network processes of a container.</summary>
public static class HostNet
{
    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    /// <summary>GET http://127.0.0.1:PORT/PATH, retried for 5 s while the server in the container starts.</summary>
    public static string HttpGetWithRetry(int port, string path = "/index.html")
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        Exception? last = null;
        for (int i = 0; i < 50; i++)
        {
            try { return http.GetStringAsync($"http://127.0.0.1:{port}{path}").GetAwaiter().GetResult(); }
            catch (Exception e) { last = e; Thread.Sleep(100); }
        }
        throw new Xunit.Sdk.XunitException($"no answer on 127.0.0.1:{port}: {last}");
    }

    public static SocketError ConnectError(int port)
    {
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try { s.Connect(IPAddress.Loopback, port); return SocketError.Success; }
        catch (SocketException e) { return e.SocketErrorCode; }
    }

    /// <summary>Command lines of the processes naming <paramref name="networkDir"/> (a container's slirp4netns and its watcher).</summary>
    public static List<string> ProcessesNaming(string networkDir)
    {
        var found = new List<string>();
        foreach (string dir in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out _)) continue;
            string cmdline;
            try { cmdline = File.ReadAllText(dir + "/cmdline").Replace('\0', ' '); }
            catch (IOException) { continue; }
            catch (UnauthorizedAccessException) { continue; }
            if (cmdline.Contains(networkDir)) found.Add(cmdline);
        }
        return found;
    }
}
