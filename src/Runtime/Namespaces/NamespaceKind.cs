using MyDocker.Runtime.Interop;
using MyDocker.Spec;

namespace MyDocker.Runtime.Namespaces;

/// <summary>config-linux.md "Namespaces": the spec's type names and the kernel's CLONE_NEW* flags.</summary>
public static class NamespaceKind
{
    public static readonly string[] All = ["user", "pid", "mount", "uts", "ipc", "network", "cgroup", "time"];

    public static ulong Flag(string type) => type switch
    {
        "pid" => Libc.CLONE_NEWPID,
        "network" => Libc.CLONE_NEWNET,
        "mount" => Libc.CLONE_NEWNS,
        "ipc" => Libc.CLONE_NEWIPC,
        "uts" => Libc.CLONE_NEWUTS,
        "user" => Libc.CLONE_NEWUSER,
        "cgroup" => Libc.CLONE_NEWCGROUP,
        "time" => Libc.CLONE_NEWTIME,
        _ => throw new MyDockerException($"linux.namespaces: unknown namespace type \"{type}\""),
    };

    /// <summary>The file name under /proc/PID/ns/ for a type.</summary>
    public static string ProcName(string type) => type switch
    {
        "network" => "net",
        "mount" => "mnt",
        _ => type,
    };

    /// <summary>Whether this kernel has the namespace type at all (/proc/self/ns/&lt;name&gt; exists).</summary>
    public static bool Supported(string type) => File.Exists($"/proc/self/ns/{ProcName(type)}");
}
