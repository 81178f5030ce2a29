using System.Text;
using MyDocker.Runtime.Interop;
using MyDocker.Spec;
using MyDocker.Spec.Model;

namespace MyDocker.Runtime.Security;

/// <summary>
/// config-linux.md "Sysctl": linux.sysctl keys are written to /proc/sys/&lt;key with . as /&gt;.
///
/// Most sysctls are global to the machine: writing them "in the container" would change the host.
/// So, like runc, only the namespaced ones are accepted, and only when the container has the
/// namespace that scopes them: the SysV IPC and POSIX mqueue limits need an ipc namespace, net.* a
/// network namespace that is not the host's, kernel.hostname/domainname a uts namespace.
///
/// Apply runs in init after pivot_root (so /proc is the container's, mounted in its namespaces) and
/// BEFORE RootfsSetup.Finish, which makes /proc/sys read-only through linux.readonlyPaths.
/// </summary>
public static unsafe class Sysctl
{
    /// <summary>The ipc-namespaced kernel.* sysctls (ipc/ipc_sysctl.c); fs.mqueue.* is matched by prefix.</summary>
    public static readonly IReadOnlyList<string> IpcKeys =
    [
        "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
        "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
    ];

    /// <summary>The uts-namespaced ones: the same strings as the hostname and domainname fields.</summary>
    public static readonly IReadOnlyList<string> UtsKeys = ["kernel.hostname", "kernel.domainname"];

    /// <summary>Checks every key of linux.sysctl against the config's namespaces; the first problem throws.</summary>
    public static void Validate(Config config)
    {
        var sysctl = config.Linux?.Sysctl;
        if (sysctl is null || sysctl.Count == 0) return;
        var types = NamespaceTypes(config);
        foreach (var key in sysctl.Keys)
            if (Problem(key, types) is string problem) throw new MyDockerException(problem);
    }

    /// <summary>Why a key may not be written with these linux.namespaces types, or null when it may.</summary>
    public static string? Problem(string key, IReadOnlyCollection<string> namespaceTypes)
    {
        if (RelativePath(key) is null) return $"linux.sysctl: {Quote(key)} is not a valid sysctl name";
        string name = DottedName(key);
        if (IpcKeys.Contains(name) || name.StartsWith("fs.mqueue.", StringComparison.Ordinal))
            return namespaceTypes.Contains("ipc") ? null
                : $"linux.sysctl: {Quote(key)} needs a new or joined ipc namespace (linux.namespaces): refusing to change it for the host";
        if (name.StartsWith("net.", StringComparison.Ordinal))
            return namespaceTypes.Contains("network") ? null
                : $"linux.sysctl: {Quote(key)} needs a network namespace that is not the host's (linux.namespaces): refusing to change it for the host";
        if (UtsKeys.Contains(name))
            return namespaceTypes.Contains("uts") ? null
                : $"linux.sysctl: {Quote(key)} needs a uts namespace (linux.namespaces): refusing to change it for the host";
        return $"linux.sysctl: {Quote(key)} is not namespaced: refusing to change it for the host";
    }

    /// <summary>
    /// The path under /proc/sys for a key, or null for a key that is not a plain sysctl name.
    /// "net.ipv4.ip_forward" is net/ipv4/ip_forward; a key that already has slashes is taken as a path
    /// (sysctl(8) accepts both, and a slash form is the only way to name an interface like eth0.100).
    /// Empty, "." and ".." components are refused: a key must not leave /proc/sys.
    /// </summary>
    public static string? RelativePath(string key)
    {
        string path = key.Contains('/') ? key : key.Replace('.', '/');
        if (path.Length == 0) return null;
        foreach (string part in path.Split('/'))
            if (part is "" or "." or ".." || part.Contains('\0')) return null;
        return path;
    }

    /// <summary>The dotted form, for matching against the namespaced names.</summary>
    private static string DottedName(string key) => key.Contains('/') ? key.Replace('/', '.') : key;

    /// <summary>In init: validate, then write every key to the container's /proc/sys (which must be procfs).</summary>
    public static void Apply(Config config) => Write(config, "/proc/sys", requireProcfs: true);

    /// <summary>
    /// Validates, then writes each value to procSys/&lt;path&gt; in config order. requireProcfs refuses a
    /// file that is not on procfs (a rootfs could put anything at /proc/sys if /proc were not mounted);
    /// tests pass false to write into a scratch directory.
    /// </summary>
    public static void Write(Config config, string procSys, bool requireProcfs)
    {
        Validate(config);
        var sysctl = config.Linux?.Sysctl;
        if (sysctl is null) return;
        foreach (var (key, value) in sysctl)
        {
            string file = procSys.TrimEnd('/') + "/" + RelativePath(key)!;
            // No O_CREAT: an unknown sysctl is ENOENT, not a new file. O_NOFOLLOW: procfs has no links here.
            int fd = Libc.Open(file, Libc.O_WRONLY | Libc.O_CLOEXEC | Libc.O_NOFOLLOW, 0);
            if (fd < 0)
            {
                int errno = Libc.LastErrno;
                string why = errno == Libc.ENOENT ? "no such sysctl" : Libc.StrError(errno);
                throw new MyDockerException($"linux.sysctl: {Quote(key)}: opening {file}: {why}", errno);
            }
            try
            {
                if (requireProcfs)
                {
                    Libc.StatfsBuf st;
                    if (Libc.Fstatfs(fd, &st) < 0 || st.Type != Libc.PROC_SUPER_MAGIC)
                        throw new MyDockerException($"linux.sysctl: {Quote(key)}: {file} is not on procfs: refusing to write it");
                }
                byte[] bytes = Encoding.UTF8.GetBytes(value);
                fixed (byte* b = bytes)
                {
                    if (Libc.Write(fd, b, bytes.Length) < 0)
                    {
                        int errno = Libc.LastErrno;
                        throw new MyDockerException($"linux.sysctl: {Quote(key)}: writing \"{value}\" to {file}: {Libc.StrError(errno)}", errno);
                    }
                }
            }
            finally
            {
                Libc.Close(fd);
            }
        }
    }

    /// <summary>
    /// For the runtime, on the host before the container starts: a net.* key with a network namespace
    /// joined by path is refused when that path is the runtime's own (the host's) network namespace.
    /// Init cannot tell this itself: it is already inside the namespace it would compare.
    /// </summary>
    public static void CheckHostNetwork(Config config, string hostNetNs = "/proc/self/ns/net")
    {
        var sysctl = config.Linux?.Sysctl;
        var net = config.Linux?.Namespaces?.FirstOrDefault(n => n.Type == "network");
        if (sysctl is null || net?.Path is not { Length: > 0 } path) return;
        string? key = sysctl.Keys.FirstOrDefault(k => DottedName(k).StartsWith("net.", StringComparison.Ordinal));
        if (key is null) return;
        if (Libc.StatxPath(path, out var joined) < 0 || Libc.StatxPath(hostNetNs, out var host) < 0) return; // the join itself reports it
        if (joined.Ino == host.Ino && joined.DevMajor == host.DevMajor && joined.DevMinor == host.DevMinor)
            throw new MyDockerException(
                $"linux.sysctl: {Quote(key)} needs a network namespace that is not the host's ({MessageText.Escape(path)} is the host's): refusing to change it for the host");
    }

    private static HashSet<string> NamespaceTypes(Config config) =>
        config.Linux?.Namespaces?.Select(n => n.Type).ToHashSet() ?? [];

    private static string Quote(string s) => MessageText.Quote(s.Replace("\\", "\\\\").Replace("\"", "\\\""));
}
