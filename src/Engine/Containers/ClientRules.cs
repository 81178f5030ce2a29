using MyDocker.Engine.Api;
using MyDocker.Engine.Api.Models;
using MyDocker.Spec;

namespace MyDocker.Engine.Containers;

/// <summary>
/// In Docker, whoever can use the socket is root on the host (`docker run -v /:/host --privileged`).
/// Here the daemon knows who is calling (the kernel tells it: SO_PEERCRED on the Unix socket) and a
/// client that is not root may not: turn the user namespace off (--userns host), ask for --privileged,
/// or bind-mount a host path it could not read (ro) or write (rw) itself. Each refusal is a 403 naming
/// its rule. `mydocker daemon --allow-host-access` turns the rules off (Docker's behaviour).
/// </summary>
public static class ClientRules
{
    public readonly record struct Caller(int Pid, uint Uid, uint Gid, IReadOnlyList<uint> Groups)
    {
        public bool IsRoot => Uid == 0;

        /// <summary>The caller's supplementary groups, read from /proc/PID/status (Groups:) while it waits on us.</summary>
        public static Caller Of(int pid, uint uid, uint gid)
        {
            var groups = new List<uint>();
            try
            {
                foreach (string line in File.ReadLines($"/proc/{pid}/status"))
                    if (line.StartsWith("Groups:", StringComparison.Ordinal))
                        groups.AddRange(line[7..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries).Select(uint.Parse));
            }
            catch (IOException) { }
            return new Caller(pid, uid, gid, groups);
        }
    }

    public static void Check(Caller caller, ContainerConfigBody body, bool allowHostAccess)
    {
        if (caller.IsRoot || allowHostAccess) return;
        var host = body.HostConfig ?? new HostConfigBody();
        string who = $"uid {caller.Uid} is not root";
        if (host.UsernsMode == "host")
            throw ApiException.Forbidden($"--userns host refused: {who}, so its containers run in a user namespace (the daemon's --allow-host-access lifts this)");
        if (host.Privileged)
            throw ApiException.Forbidden($"--privileged refused: {who} (the daemon's --allow-host-access lifts this)");
        foreach (string bind in host.Binds ?? [])
        {
            var m = BundleBuilder.BindMount(bind);
            bool write = !m.Options!.Contains("ro");
            if (!MayAccess(caller, m.Source!, write))
                throw ApiException.Forbidden($"bind mount {MessageText.Quote(m.Source!)} refused: {who} and could not {(write ? "write" : "read")} it itself (use :ro, or a path of its own)");
        }
    }

    /// <summary>The classic permission check for <paramref name="caller"/>: search on every parent, read (and write) on the path.</summary>
    public static bool MayAccess(Caller caller, string path, bool write)
    {
        string full = Path.GetFullPath(path);
        string? resolved = ResolveLinks(full);
        if (resolved == null) return false;
        string current = "/";
        foreach (string part in resolved.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!Allowed(caller, current, 1)) return false; // x on each directory on the way
            current = Path.Combine(current, part);
        }
        return Allowed(caller, current, write ? 6 : 4);
    }

    private static string? ResolveLinks(string path)
    {
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists && !Directory.Exists(path)) return null;
            return info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path;
        }
        catch (IOException) { return null; }
    }

    private static bool Allowed(Caller caller, string path, int want)
    {
        if (Runtime.Interop.Libc.StatxPath(path, out var st) < 0) return false;
        int mode = st.Mode & 0x1ff;
        int bits = st.Uid == caller.Uid ? (mode >> 6) & 7 : st.Gid == caller.Gid || caller.Groups.Contains(st.Gid) ? (mode >> 3) & 7 : mode & 7;
        return (bits & want) == want;
    }
}
