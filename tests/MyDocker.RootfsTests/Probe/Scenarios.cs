using MyDocker.Spec.Model;

namespace MyDocker.RootfsTests.Probe;

/// <summary>
/// One real-mount scenario: the files the test lays out in its temp dir, the shell command that
/// starts the probe in fresh namespaces, the config the probe sets up, and the script that
/// reports ("key=value") what a process in the finished container sees.
/// </summary>
public sealed record Scenario(
    string Name,
    Action<string> Layout,
    Func<string, string> Command,
    Func<string, Config> Config,
    string Script);

public static class Scenarios
{
    /// <summary>
    /// sh helpers for the scripts (plain sh: no awk, which is an /etc/alternatives link the rootfs lacks):
    /// a field of the last mountinfo line for a mount point, a write test, the filesystem type.
    /// </summary>
    private const string Helpers = """
        field() { v=; while read -r id parent majmin root mp mopts rest; do
            if [ "$mp" = "$2" ]; then case "$1" in
                root) v=$root;; opts) v=$mopts;;
                optional) case "$rest" in "- "*) v=;; *) v=${rest%% - *};; esac;;
                count) v=$(( ${v:-0} + 1 ));;
            esac; fi; done < /proc/self/mountinfo
            [ "$1" = count ] && v=${v:-0}; echo "$v"; }
        opts() { field opts "$1"; }
        optional() { field optional "$1"; }
        canwrite() { if touch "$1" 2>/dev/null; then rm -f "$1"; echo yes; else echo no; fi; }
        fs() { stat -f -c %T "$1" 2>&1; }

        """;

    public static Scenario Get(string name) => name switch
    {
        "full" => Full,
        "escape" => Escape,
        "userns" => UserNs,
        "shared" => Shared,
        _ => throw new ArgumentException($"no scenario {name}"),
    };

    /// <summary>`dotnet MyDocker.RootfsTests.dll probe NAME DIR`, quoted for sh.</summary>
    public static string ProbeCommand(string name, string dir)
    {
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        string dll = typeof(Scenarios).Assembly.Location;
        return $"'{dotnet}' '{dll}' probe {name} '{dir}'";
    }

    /// <summary>
    /// The probe runs in a mount namespace whose mounts are PEERS of an outer one (like a
    /// systemd host, where "/" is shared); afterwards the outer shell counts the mounts under
    /// DIR it can see. Any count but 0 means a mount leaked out of the container.
    /// The outer namespace is first cut off from the real host (private), and only then made
    /// shared, so even a broken runtime could leak no further than into it.
    /// </summary>
    private static string InSharedHostLikeNamespace(string name, string dir) =>
        $"unshare -m --propagation private -- sh -c \"mount --make-rshared / && " +
        $"unshare -m --propagation unchanged -- {ProbeCommand(name, dir)}; rc=\\$?; " +
        $"echo outer_leaks=\\$(grep -c -F ' {dir}/' /proc/self/mountinfo); exit \\$rc\"";

    private static void Mkdirs(string root, params string[] dirs)
    {
        foreach (string d in dirs) Directory.CreateDirectory(Path.Combine(root, d));
    }

    /// <summary>A usrmerge-style skeleton: /usr is bind-mounted from the host, so /bin/sh works.</summary>
    private static string Skeleton(string dir)
    {
        string rootfs = Path.Combine(dir, "rootfs");
        Mkdirs(rootfs, "usr", "etc", "run", "var");
        foreach (string l in new[] { "bin", "lib", "lib64", "sbin" })
            File.CreateSymbolicLink(Path.Combine(rootfs, l), "usr/" + l);
        return rootfs;
    }

    private static Mount M(string dest, string type, string? source, params string[] options) =>
        new() { Destination = dest, Type = type, Source = source, Options = [.. options] };

    private static Mount UsrBind => M("/usr", "bind", "/usr", "rbind", "ro");

    // ---------------------------------------------------------------------------------------
    /// <summary>Everything a docker-like config.json has, plus the tricky bits.</summary>
    public static readonly Scenario Full = new(
        "full",
        Layout: dir =>
        {
            string rootfs = Skeleton(dir);
            Mkdirs(rootfs, "etc/ro-dir", "etc/masked-dir");
            File.WriteAllText(Path.Combine(rootfs, "etc/masked-dir/inside"), "hidden");
            File.WriteAllText(Path.Combine(rootfs, "etc/secret"), "secret");
            File.CreateSymbolicLink(Path.Combine(rootfs, "var/run"), "/run"); // absolute, in-root
            Mkdirs(dir, "host/data", "outside");
            File.WriteAllText(Path.Combine(dir, "host/file.txt"), "hello from the host");
            File.WriteAllText(Path.Combine(dir, "host/data/data.txt"), "data");
        },
        Command: dir => InSharedHostLikeNamespace("full", dir),
        Config: dir => new Config
        {
            Root = new Root { Path = "rootfs", Readonly = true },
            Mounts =
            [
                M("/proc", "proc", "proc", "nosuid", "noexec", "nodev"),
                M("/dev", "tmpfs", "tmpfs", "nosuid", "strictatime", "mode=755", "size=65536k", "ro"),
                M("/dev/pts", "devpts", "devpts", "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"),
                M("/dev/shm", "tmpfs", "shm", "nosuid", "noexec", "nodev", "mode=1777", "size=65536k"),
                M("/dev/mqueue", "mqueue", "mqueue", "nosuid", "noexec", "nodev"),
                M("/sys", "sysfs", "sysfs", "nosuid", "noexec", "nodev", "ro"),
                M("/sys/fs/cgroup", "cgroup", "cgroup", "nosuid", "noexec", "nodev", "relatime", "ro"),
                UsrBind,
                M("/var/run/probe", "tmpfs", "tmpfs", "mode=700"),                        // through /var/run -> /run
                M("/etc/probe-file", "bind", Path.Combine(dir, "host/file.txt"), "bind", "ro"), // a file: empty file made as target
                M("/data", "none", "host/data", "rbind", "nosuid", "nodev", "rprivate"),       // relative source: from the bundle
            ],
            Linux = new Linux
            {
                Devices =
                [
                    new Device { Type = "c", Path = "/dev/mynull", Major = 1, Minor = 3, FileMode = 0x180, Uid = 1000, Gid = 1000 },
                    new Device { Type = "p", Path = "/dev/myfifo" },
                    new Device { Type = "c", Path = "/dev/zero", Major = 1, Minor = 5, FileMode = 0x1a0 }, // overrides the default 0666
                ],
                MaskedPaths = ["/etc/secret", "/etc/masked-dir", "/nonexistent", "/proc/kcore"],
                ReadonlyPaths = ["/etc/ro-dir", "/proc/sys", "/missing"],
            },
        },
        Script: Helpers + """
            echo "root_writable=$(canwrite /.probe)"
            echo "root_opts=$(opts /)"
            echo "root_source=$(field root /)"
            echo "top=$(ls / | tr '\n' ' ')"
            echo "dev_fs=$(fs /dev)"
            echo "dev_opts=$(opts /dev)"
            echo "dev_writable=$(canwrite /dev/.probe)"
            echo "devnull_writable=$( (echo x > /dev/null) 2>/dev/null && echo yes || echo no)"
            for d in null zero full random urandom tty mynull; do echo "dev_$d=$(stat -c '%F %t:%T %a %u:%g' /dev/$d 2>&1)"; done
            echo "dev_myfifo=$(stat -c '%F %a' /dev/myfifo 2>&1)"
            for l in fd stdin stdout stderr core ptmx; do echo "link_$l=$(readlink /dev/$l || echo none)"; done
            echo "pts_fs=$(fs /dev/pts)"
            echo "shm_fs=$(fs /dev/shm)"
            echo "mqueue_fs=$(fs /dev/mqueue)"
            echo "sys_opts=$(opts /sys)"
            echo "cgroup_fs=$(fs /sys/fs/cgroup)"
            echo "cgroup_opts=$(opts /sys/fs/cgroup)"
            echo "cgroup_writable=$(canwrite /sys/fs/cgroup/.probe)"
            echo "cgroup_entries=$(ls /sys/fs/cgroup | tr '\n' ' ')"
            for c in $(ls /sys/fs/cgroup); do echo "cgroup_$c=$(fs /sys/fs/cgroup/$c) $(opts /sys/fs/cgroup/$c | cut -d, -f1)"; done
            echo "usr_opts=$(opts /usr)"
            echo "usr_optional=$(optional /usr)"
            echo "run_probe=$(fs /run/probe) $(stat -c %a /run/probe)"
            echo "var_run=$(readlink /var/run)"
            echo "probe_file=$(cat /etc/probe-file)"
            echo "probe_file_opts=$(opts /etc/probe-file)"
            echo "data=$(cat /data/data.txt)"
            echo "data_opts=$(opts /data)"
            echo "data_writable=$(canwrite /data/.probe)"
            echo "data_optional=$(optional /data)"
            echo "secret=$(wc -c < /etc/secret) $(stat -c '%F %t:%T' /etc/secret)"
            echo "masked_dir=$(ls -A /etc/masked-dir | wc -l) $(fs /etc/masked-dir) $(opts /etc/masked-dir | cut -d, -f1)"
            echo "rodir_opts=$(opts /etc/ro-dir)"
            echo "procsys_opts=$(opts /proc/sys)"
            echo "nonexistent=$(test -e /nonexistent && echo yes || echo no)"
            """);

    // ---------------------------------------------------------------------------------------
    /// <summary>A mount whose destination climbs out through a symlink: one clear error, nothing mounted.</summary>
    public static readonly Scenario Escape = new(
        "escape",
        Layout: dir =>
        {
            string rootfs = Skeleton(dir);
            Directory.Delete(Path.Combine(rootfs, "etc"));
            File.CreateSymbolicLink(Path.Combine(rootfs, "etc"), "../../outside");
            Mkdirs(dir, "outside");
        },
        Command: dir => InSharedHostLikeNamespace("escape", dir),
        Config: dir => new Config
        {
            Root = new Root { Path = "rootfs" },
            Mounts = [UsrBind, M("/etc/x", "tmpfs", "tmpfs")],
        },
        Script: "echo unreachable");

    // ---------------------------------------------------------------------------------------
    /// <summary>
    /// Inside a user namespace (like rootless containers): mknod is refused, so the default
    /// devices are host nodes bind-mounted onto empty files; and a bind of a nosuid,nodev source
    /// (its flags are locked there) can still be made read-only.
    /// </summary>
    public static readonly Scenario UserNs = new(
        "userns",
        Layout: dir =>
        {
            Skeleton(dir);
            Mkdirs(dir, "host/locked");
        },
        Command: dir =>
            "unshare -m --propagation private -- sh -c " +
            $"\"mount -t tmpfs -o nosuid,nodev,size=1m tmpfs '{dir}/host/locked' && echo locked > '{dir}/host/locked/f' && " +
            $"unshare -U -r -m -p -f --propagation private -- {ProbeCommand("userns", dir)}\"",
        Config: dir => new Config
        {
            Root = new Root { Path = "rootfs" },
            Mounts =
            [
                M("/proc", "proc", "proc", "nosuid", "noexec", "nodev"), // allowed: we own a new pid namespace too
                M("/dev", "tmpfs", "tmpfs", "nosuid", "mode=755"),
                UsrBind,
                M("/locked", "bind", Path.Combine(dir, "host/locked"), "bind", "ro"),
            ],
        },
        Script: Helpers + """
            echo "uid=$(id -u)"
            echo "dev_null=$(stat -c '%F %t:%T' /dev/null)"
            echo "dev_null_mount=$(field count /dev/null)"
            echo "devnull_writable=$( (echo x > /dev/null) 2>/dev/null && echo yes || echo no)"
            echo "dev_tty=$(stat -c '%F %t:%T' /dev/tty)"
            echo "locked=$(cat /locked/f)"
            echo "locked_opts=$(opts /locked)"
            echo "usr_opts=$(opts /usr)"
            """);

    // ---------------------------------------------------------------------------------------
    /// <summary>linux.rootfsPropagation "rshared": the container's "/" ends up shared, still nothing leaks.</summary>
    public static readonly Scenario Shared = new(
        "shared",
        Layout: dir => Skeleton(dir),
        Command: dir => InSharedHostLikeNamespace("shared", dir),
        Config: dir => new Config
        {
            Root = new Root { Path = "rootfs" },
            Mounts = [M("/proc", "proc", "proc"), UsrBind, M("/run", "tmpfs", "tmpfs")],
            Linux = new Linux { RootfsPropagation = "rshared" },
        },
        Script: Helpers + """
            echo "root_optional=$(optional /)"
            echo "run_optional=$(optional /run)"
            """);
}
