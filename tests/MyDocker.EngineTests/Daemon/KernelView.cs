using System.Text.RegularExpressions;

namespace MyDocker.EngineTests.Daemon;

/// <summary>
/// What the kernel shows about a container, read from /proc and /sys/fs/cgroup: the assertions'
/// ground truth, independent of what the daemon answers.
/// </summary>
public static class KernelView
{
    /// <summary>The real uid of a process (first field of "Uid:" in /proc/PID/status).</summary>
    public static int HostUid(int pid) => StatusField(pid, "Uid");

    public static int StatusField(int pid, string name)
    {
        foreach (string line in File.ReadLines($"/proc/{pid}/status"))
            if (line.StartsWith(name + ":", StringComparison.Ordinal))
                return int.Parse(line[(name.Length + 1)..].Split(['\t', ' '], StringSplitOptions.RemoveEmptyEntries)[0]);
        throw new InvalidOperationException($"/proc/{pid}/status has no {name}: line");
    }

    public static bool Alive(int pid) => pid > 0 && Directory.Exists($"/proc/{pid}") && !IsZombie(pid);

    /// <summary>Children of <paramref name="parent"/> that have exited and were never reaped.</summary>
    public static List<int> ZombieChildren(int parent)
    {
        var found = new List<int>();
        foreach (string d in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(d), out int pid)) continue;
            try
            {
                string[] f = File.ReadAllText($"{d}/stat").Split(')').Last().Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (f[0] == "Z" && f[1] == parent.ToString()) found.Add(pid);
            }
            catch (IOException) { }
        }
        return found;
    }

    private static bool IsZombie(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/stat").Split(')').Last().TrimStart().StartsWith('Z'); }
        catch (IOException) { return false; }
    }

    /// <summary>
    /// The container's cgroup directory for a cgroup v1 controller: /sys/fs/cgroup/CONTROLLER/mydocker/ID,
    /// or under a co-mounted hierarchy such as cpu,cpuacct (which of the two depends on the host).
    /// </summary>
    public static string CgroupDir(string controller, string id)
    {
        foreach (string root in Directory.GetDirectories("/sys/fs/cgroup"))
        {
            string name = Path.GetFileName(root);
            if (name.Split(',').Contains(controller) && !new DirectoryInfo(root).Attributes.HasFlag(FileAttributes.ReparsePoint))
                return Path.Combine(root, "mydocker", id);
        }
        throw new InvalidOperationException($"no cgroup v1 hierarchy for {controller} under /sys/fs/cgroup (these tests expect a v1 or hybrid host)");
    }

    public static string CgroupFile(string controller, string id, string file) =>
        File.ReadAllText(Path.Combine(CgroupDir(controller, id), file)).Trim();

    /// <summary>Mount points at or under <paramref name="dir"/>, from /proc/self/mountinfo (octal escapes undone).</summary>
    public static List<string> MountsUnder(string dir)
    {
        string prefix = dir.TrimEnd('/');
        return File.ReadLines("/proc/self/mountinfo")
            .Select(line => Unescape(line.Split(' ')[4]))
            .Where(m => m == prefix || m.StartsWith(prefix + "/", StringComparison.Ordinal))
            .ToList();
    }

    private static string Unescape(string s) => Regex.Replace(s, @"\\([0-7]{3})", m => ((char)Convert.ToInt32(m.Groups[1].Value, 8)).ToString());

    /// <summary>Pids of live processes whose command line contains <paramref name="text"/> (this process excluded).</summary>
    public static List<int> ProcessesMentioning(string text)
    {
        var pids = new List<int>();
        foreach (string dir in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid) || pid == Environment.ProcessId) continue;
            try
            {
                string cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                if (cmdline.Contains(text, StringComparison.Ordinal) && Alive(pid)) pids.Add(pid);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return pids;
    }

    /// <summary>Every file and directory under <paramref name="root"/> with its size and mtime: to show a tree did not change.</summary>
    public static SortedDictionary<string, string> TreeSnapshot(string root)
    {
        var snapshot = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var info in new DirectoryInfo(root).EnumerateFileSystemInfos("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            string size = info is FileInfo f && info.LinkTarget == null ? f.Length.ToString() : "-";
            snapshot[Path.GetRelativePath(root, info.FullName)] = $"{size} {info.LastWriteTimeUtc:O}";
        }
        return snapshot;
    }
}
