using MyDocker.Runtime.Interop;
using MyDocker.Spec.Model;

namespace MyDocker.Runtime.Init;

/// <summary>
/// config.md "User": supplementary groups, gid, uid, umask — in that order, because once the uid
/// is not 0 any more the process may no longer change its groups. Called by init right before it
/// execs the user program: the identity is changed for init's thread alone (the other threads of
/// its .NET runtime end at the exec), which spares glibc's signal round trip to each of them.
/// </summary>
public static unsafe class ProcessIdentity
{
    public static void Apply(User user)
    {
        uint[] groups = user.AdditionalGids?.ToArray() ?? [];
        fixed (uint* g = groups)
        {
            // setgroups is refused in a user namespace whose setgroups file says "deny"; only fail if we asked for groups.
            if (Libc.SetGroupsThisThread((nuint)groups.Length, g) < 0 && groups.Length > 0)
                throw Libc.Fail("process.user.additionalGids: setgroups");
        }
        Libc.Check(Libc.SetResGidThisThread(user.Gid, user.Gid, user.Gid), $"process.user.gid: setresgid({user.Gid})");
        Libc.Check(Libc.SetResUidThisThread(user.Uid, user.Uid, user.Uid), $"process.user.uid: setresuid({user.Uid})");
        if (user.Umask is uint mask) Libc.Umask(mask);
    }

    /// <summary>HOME from the container's /etc/passwd when the config does not set it (runc does the same).</summary>
    public static string HomeOf(uint uid)
    {
        try
        {
            foreach (string line in File.ReadLines("/etc/passwd"))
            {
                string[] f = line.Split(':');
                if (f.Length >= 6 && uint.TryParse(f[2], out uint u) && u == uid && f[5].Length > 0) return f[5];
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return "/";
    }
}
