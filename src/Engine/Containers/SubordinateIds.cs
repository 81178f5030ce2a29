using MyDocker.Spec;

namespace MyDocker.Engine.Containers;

/// <summary>
/// The host ids a container's root is mapped to: the range /etc/subuid and /etc/subgid give user
/// "mydocker" (made at set-up, as Docker's userns-remap makes "dockremap"). Both files must give the same
/// range: a container's uid and gid maps are then one and the same, and layers need one shifted copy.
/// </summary>
public static class SubordinateIds
{
    public const string User = "mydocker";

    public static UserNamespaceMap For(string user = User, string subuid = "/etc/subuid", string subgid = "/etc/subgid")
    {
        var u = Range(subuid, user);
        var g = Range(subgid, user);
        if (u != g) throw new MyDockerException($"user namespace: {subuid} gives {user} {u.HostStart}+{u.Size} but {subgid} gives {g.HostStart}+{g.Size}: make them the same");
        if (u.Size < 65536) throw new MyDockerException($"user namespace: {subuid} gives {user} only {u.Size} ids; 65536 are needed");
        return new UserNamespaceMap(u.HostStart, 65536);
    }

    private static UserNamespaceMap Range(string file, string user)
    {
        if (Runtime.Namespaces.SubordinateRanges.OfName(user, file) is var (start, size))
            return new UserNamespaceMap(start, size);
        throw new MyDockerException($"user namespace: no range for user {user} in {file} (make run sets it up: usermod --add-subuids 100000-165535 --add-subgids 100000-165535 {user}; or run with --userns host)");
    }
}
