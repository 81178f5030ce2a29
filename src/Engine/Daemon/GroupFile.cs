using MyDocker.Spec;

namespace MyDocker.Engine.Daemon;

/// <summary>/etc/group, read by hand (a static binary has no NSS): the gid of the group that may use the socket.</summary>
public static class GroupFile
{
    public static uint GidOf(string group, string file = "/etc/group")
    {
        foreach (string line in File.ReadLines(file))
        {
            string[] f = line.Split(':');
            if (f.Length >= 3 && f[0] == group && uint.TryParse(f[2], out uint gid)) return gid;
        }
        throw new MyDockerException($"daemon: group {MessageText.Quote(group)} does not exist in {file} (groupadd {group}, or --group NAME)");
    }
}
