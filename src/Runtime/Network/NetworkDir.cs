using System.Text;
using MyDocker.Spec;

namespace MyDocker.Runtime.Network;

/// <summary>
/// The directory where one container's slirp4netns lives while the container runs, and is removed with
/// it: /run/mydocker-net/ID/ (for a user without root, $XDG_RUNTIME_DIR/mydocker-net/ID/) holds
///   api.sock         slirp4netns's API socket (port forwards are added through it)
///   watcher.pid      the pid of our watcher (SlirpWatcher), which stops slirp4netns when init exits
///   slirp4netns.pid  the pid of slirp4netns itself
///   slirp4netns.log  what slirp4netns printed
/// It is the hook's own directory, not the runtime's state directory: the hook works under any
/// runtime (runc, crun) and does not know the runtime's --root.
/// </summary>
public static class NetworkDir
{
    /// <summary>/run/mydocker-net, or the user's runtime directory's mydocker-net (<see cref="State.RunDirectory"/>).</summary>
    public static string Base => State.RunDirectory.For("mydocker-net");
    public const string ApiSocket = "api.sock", WatcherPid = "watcher.pid", SlirpPid = "slirp4netns.pid", Log = "slirp4netns.log";

    /// <summary>The default directory of container <paramref name="id"/> (already validated).</summary>
    public static string For(string id) => Path.Combine(Base, id);

    /// <summary>A Unix socket's path holds at most 107 bytes: an ID of more than about 80 characters needs --dir.</summary>
    public static void CheckSocketPath(string dir)
    {
        string socket = Path.Combine(dir, ApiSocket);
        int length = Encoding.UTF8.GetByteCount(socket);
        if (length >= Interop.Libc.SunPathMax)
            throw new MyDockerException($"slirp4netns: the API socket path {MessageText.Quote(socket)} is {length} bytes, over the 107 a Unix socket allows (a shorter container ID, or --dir)");
    }
}
