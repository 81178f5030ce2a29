using MyDocker.Spec;
using MyDocker.Runtime.Interop;

namespace MyDocker.Runtime.Namespaces;

/// <summary>
/// Whether the runtime itself runs as the machine's root, or as uid 0 of a user namespace that a user
/// made: rootless podman runs its OCI runtime inside its own user namespace, where the runtime is
/// root but may create no cgroup and write nothing under /run. runc asks the same question
/// (userns.RunningInUserNS) for its state directory and its cgroups.
/// </summary>
public static class CallerUserNamespace
{
    /// <summary>uid 0 in the initial user namespace, whose uid_map maps all ids: "0 0 4294967295".</summary>
    public static bool IsRealRoot() => Libc.GetUid() == 0 && IsInitial();

    /// <summary>The initial user namespace maps every id onto itself; any other maps fewer.</summary>
    public static bool IsInitial()
    {
        string map;
        try { map = SmallFile.ReadText("/proc/self/uid_map"); }
        catch (IOException) { return true; } // no /proc/self/uid_map: a kernel without user namespaces
        var f = map.Split((char[])[' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries);
        return f is ["0", "0", "4294967295"];
    }

    /// <summary>"uid N", with "of a user namespace" for a root that is not the machine's.</summary>
    public static string DescribeCaller()
    {
        uint uid = Libc.GetUid();
        return uid == 0 && !IsInitial() ? "uid 0 of a user namespace" : $"uid {uid}";
    }
}
