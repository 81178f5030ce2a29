using System.Security.Cryptography;
using System.Text;
using MyDocker.Runtime.Interop;

namespace MyDocker.IntegrationTests.Harness;

/// <summary>
/// What a test watches on the host: the things a runtime could leak or damage. Processes and cgroups
/// are many and shared with everything else on the machine (other test classes, other test runs), so
/// only those that mention one of <see cref="Markers"/> count: give every container ID, bundle,
/// rootfs and state root of the test. IDs should be unique (a GUID piece): the default cgroup of a
/// container is /mydocker/&lt;id&gt; whatever its --root.
/// </summary>
public sealed class HostWatch
{
    /// <summary>Strings that name this test's things: a process or cgroup that contains one is the test's.</summary>
    public List<string> Markers { get; } = new();
    /// <summary>Directories listed recursively, with a hash of every file and the target of every symlink (state roots, sentinel dirs).</summary>
    public List<string> Trees { get; } = new();
    /// <summary>Files that must not change (sentinels): their sha256, or "missing".</summary>
    public List<string> Files { get; } = new();

    public HostWatch(params string[] markers) => Markers.AddRange(markers.Where(m => m.Length > 0));

    public HostWatch Mark(params string[] markers) { Markers.AddRange(markers.Where(m => m.Length > 0)); return this; }
    public HostWatch Tree(params string[] dirs) { Trees.AddRange(dirs); return this; }
    public HostWatch File(params string[] files) { Files.AddRange(files); return this; }
}

/// <summary>
/// A snapshot of what a runtime could leave behind or change on the host:
///  - mounts: /proc/self/mountinfo (mount point, root, type, source, options; not the mount ids);
///  - cgroups: every directory of every cgroup hierarchy whose path contains a marker;
///  - processes: pid, start time, zombie or not, and cmdline of each process whose cmdline,
///    environment, cgroup, root or cwd mentions a marker (a container's init carries its bundle in
///    its environment, its user program has the rootfs as root and the container's cgroup);
///  - zombies: processes in state Z whose parent is this test process (nobody reaped them);
///  - fds: what this test process has open (a leaked pipe or socket shows up here);
///  - files: trees (listed, with hashes) and sentinel files (hashed).
/// <see cref="AssertSameAs"/> compares two and fails with a readable diff; <see cref="AssertReturnsTo"/>
/// also waits a little, for processes and cgroups that go away asynchronously.
/// </summary>
public sealed class HostSnapshot
{
    public HostWatch Watch { get; }
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Sections => _sections;
    private readonly SortedDictionary<string, IReadOnlyList<string>> _sections = new(StringComparer.Ordinal);

    private HostSnapshot(HostWatch watch) => Watch = watch;

    public static HostSnapshot Take(HostWatch watch)
    {
        var s = new HostSnapshot(watch);
        var mountinfo = ReadLines("/proc/self/mountinfo");
        s._sections["mounts"] = Sorted(Mounts(mountinfo, watch));
        s._sections["cgroups"] = Sorted(Cgroups(mountinfo, watch));
        s._sections["processes"] = Sorted(Processes(watch));
        s._sections["zombies"] = Sorted(Zombies());
        s._sections["fds"] = Sorted(Fds());
        s._sections["files"] = Sorted(Files(watch));
        return s;
    }

    /// <summary>The differences from <paramref name="before"/>, one line per item: "section: - old" / "section: + new".</summary>
    public List<string> DiffFrom(HostSnapshot before)
    {
        var diff = new List<string>();
        foreach (var (name, now) in _sections)
        {
            var then = before._sections.TryGetValue(name, out var t) ? t : [];
            foreach (var gone in MultisetMinus(then, now)) diff.Add($"{name}: - {gone}");
            foreach (var added in MultisetMinus(now, then)) diff.Add($"{name}: + {added}");
        }
        return diff;
    }

    /// <summary>Fails with the diff unless nothing changed; <paramref name="expected"/> names diff lines that are fine (e.g. a removed state dir).</summary>
    public void AssertSameAs(HostSnapshot before, string? what = null, Func<string, bool>? expected = null)
    {
        var diff = DiffFrom(before).Where(d => expected?.Invoke(d) != true).ToList();
        if (diff.Count > 0) throw new Xunit.Sdk.XunitException(Describe(diff, what));
    }

    /// <summary>
    /// Takes snapshots with before's watch until one equals it (processes just SIGKILLed are reaped by
    /// their new parent, cgroup rmdir may lag), or fails with the last diff after timeoutMs.
    /// </summary>
    public static HostSnapshot AssertReturnsTo(HostSnapshot before, int timeoutMs = 5000, string? what = null, Func<string, bool>? expected = null)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (true)
        {
            var now = Take(before.Watch);
            var diff = now.DiffFrom(before).Where(d => expected?.Invoke(d) != true).ToList();
            if (diff.Count == 0) return now;
            if (Environment.TickCount64 > deadline) throw new Xunit.Sdk.XunitException(Describe(diff, what));
            Thread.Sleep(50);
        }
    }

    private static string Describe(List<string> diff, string? what) =>
        $"the host changed{(what == null ? "" : " " + what)} (- was there before, + is new):\n  " + string.Join("\n  ", diff);

    private static IEnumerable<string> MultisetMinus(IReadOnlyList<string> a, IReadOnlyList<string> b)
    {
        var left = b.GroupBy(x => x, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        foreach (string x in a)
        {
            if (left.TryGetValue(x, out int n) && n > 0) left[x] = n - 1;
            else yield return x;
        }
    }

    private static List<string> Sorted(IEnumerable<string> items)
    {
        var list = items.ToList();
        list.Sort(StringComparer.Ordinal);
        return list;
    }

    // ---------------------------------------------------------------- mounts

    /// <summary>
    /// Every mount of our mount namespace except those of other test runs on this machine: a container
    /// without a mount namespace mounts in the host's, under its own rootfs, which for another run
    /// lives in another /tmp/mydocker-* directory than ours.
    /// </summary>
    private static IEnumerable<string> Mounts(List<string> mountinfo, HostWatch watch)
    {
        foreach (string line in mountinfo)
        {
            var m = ParseMount(line);
            if (m == null) continue;
            if (IsForeignTestPath(m.Value.MountPoint, watch)) continue;
            yield return $"{m.Value.MountPoint} root={m.Value.Root} {m.Value.FsType} {m.Value.Source} {m.Value.Options}";
        }
    }

    private static bool IsForeignTestPath(string path, HostWatch watch)
    {
        string tmp = Path.GetTempPath().TrimEnd('/') + "/mydocker-";
        if (!path.StartsWith(tmp, StringComparison.Ordinal)) return false;
        return !watch.Markers.Any(m => m.StartsWith('/') && (path == m || path.StartsWith(m.TrimEnd('/') + "/", StringComparison.Ordinal)));
    }

    private readonly record struct MountLine(string Root, string MountPoint, string Options, string FsType, string Source, string SuperOptions);

    /// <summary>mountinfo: "id parent major:minor root mountpoint options [optional...] - fstype source superoptions".</summary>
    private static MountLine? ParseMount(string line)
    {
        string[] f = line.Split(' ');
        int dash = Array.IndexOf(f, "-");
        if (f.Length < 7 || dash < 6 || dash + 2 >= f.Length) return null;
        return new MountLine(Unescape(f[3]), Unescape(f[4]), f[5], f[dash + 1], Unescape(f[dash + 2]), dash + 3 < f.Length ? f[dash + 3] : "");
    }

    /// <summary>mountinfo writes space, tab, newline and backslash as \ooo.</summary>
    private static string Unescape(string s)
    {
        if (!s.Contains('\\')) return s;
        var sb = new StringBuilder();
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] == '\\' && IsOctal(s, i + 1))
            {
                sb.Append((char)Convert.ToInt32(s.Substring(i + 1, 3), 8));
                i += 3;
            }
            else sb.Append(s[i]);
        }
        return sb.ToString();
    }

    private static bool IsOctal(string s, int at) =>
        at + 3 <= s.Length && s.Substring(at, 3).All(c => c is >= '0' and <= '7');

    // ---------------------------------------------------------------- cgroups

    /// <summary>Every cgroup directory (any hierarchy, any depth) whose path below the hierarchy's mount contains a marker.</summary>
    private static IEnumerable<string> Cgroups(List<string> mountinfo, HostWatch watch)
    {
        var result = new List<string>();
        foreach (string line in mountinfo)
        {
            var m = ParseMount(line);
            if (m is not { FsType: "cgroup" or "cgroup2" } mount) continue;
            string top = mount.MountPoint;
            var stack = new Stack<string>();
            stack.Push(top);
            while (stack.Count > 0)
            {
                string dir = stack.Pop();
                string[] subs;
                try { subs = Directory.GetDirectories(dir); }
                catch (IOException) { continue; } // removed while we looked
                catch (UnauthorizedAccessException) { continue; }
                foreach (string sub in subs)
                {
                    string rel = sub[top.Length..];
                    if (watch.Markers.Any(mk => rel.Contains(mk, StringComparison.Ordinal))) result.Add($"{top}:{rel}");
                    stack.Push(sub);
                }
            }
        }
        return result;
    }

    // ---------------------------------------------------------------- processes

    private static IEnumerable<string> Processes(HostWatch watch)
    {
        int self = Environment.ProcessId;
        foreach (int pid in Pids())
        {
            if (pid == self) continue;
            string cmdline = ReadText($"/proc/{pid}/cmdline").Replace('\0', ' ').TrimEnd();
            bool ours = Mentions(watch, cmdline)
                || Mentions(watch, ReadText($"/proc/{pid}/environ"))
                || Mentions(watch, ReadText($"/proc/{pid}/cgroup"))
                || Mentions(watch, ReadLink($"/proc/{pid}/root"))
                || Mentions(watch, ReadLink($"/proc/{pid}/cwd"));
            if (!ours) continue;
            var stat = Stat(pid);
            if (stat == null) continue; // gone while we looked
            // Not the state letter (R or S at random), only whether it is a zombie: nobody reaped it.
            string zombie = stat.Value.State == 'Z' ? " zombie" : "";
            yield return $"{pid} (start {stat.Value.StartTime}){zombie} {(cmdline.Length > 0 ? cmdline : "[" + stat.Value.Comm + "]")}";
        }
    }

    private static bool Mentions(HostWatch watch, string text) =>
        text.Length > 0 && watch.Markers.Any(m => text.Contains(m, StringComparison.Ordinal));

    /// <summary>Zombies whose parent is this process: children it never reaped.</summary>
    private static IEnumerable<string> Zombies()
    {
        int self = Environment.ProcessId;
        foreach (int pid in Pids())
            if (Stat(pid) is { State: 'Z' } st && st.PPid == self)
                yield return $"{pid} [{st.Comm}]";
    }

    public static IEnumerable<int> Pids()
    {
        foreach (string d in Directory.EnumerateDirectories("/proc"))
            if (int.TryParse(Path.GetFileName(d), out int pid)) yield return pid;
    }

    public readonly record struct ProcStatus(string Comm, char State, int PPid, ulong StartTime);

    /// <summary>/proc/PID/stat: comm (may hold spaces and parentheses), state, ppid, start time (field 22).</summary>
    public static ProcStatus? Stat(int pid)
    {
        string text = ReadText($"/proc/{pid}/stat");
        int open = text.IndexOf('('), close = text.LastIndexOf(')');
        if (open < 0 || close < open) return null;
        string[] f = text[(close + 2)..].Split(' ');
        if (f.Length < 20 || !int.TryParse(f[1], out int ppid) || !ulong.TryParse(f[19], out ulong start)) return null;
        return new ProcStatus(text[(open + 1)..close], f[0][0], ppid, start);
    }

    // ---------------------------------------------------------------- fds

    /// <summary>This process's open fds, by what they point to (the numbers may be reused differently).</summary>
    private static IEnumerable<string> Fds()
    {
        string self = $"/proc/{Environment.ProcessId}/fd";
        foreach (string fd in Directory.GetFileSystemEntries("/proc/self/fd"))
        {
            string target = ReadLink(fd);
            if (target.Length == 0 || target == self || target.StartsWith(self + "/", StringComparison.Ordinal)) continue; // the listing itself
            if (target.EndsWith(".dll", StringComparison.Ordinal)) continue; // an assembly the test host loaded late: not a leak
            yield return target;
        }
    }

    // ---------------------------------------------------------------- files

    private static IEnumerable<string> Files(HostWatch watch)
    {
        foreach (string f in watch.Files) yield return $"{f} {Describe(f)}";
        foreach (string tree in watch.Trees)
        {
            if (!Directory.Exists(tree)) { yield return $"{tree}/ missing"; continue; }
            yield return $"{tree}/ dir";
            var stack = new Stack<string>();
            stack.Push(tree);
            while (stack.Count > 0)
            {
                string dir = stack.Pop();
                string[] entries;
                try { entries = Directory.GetFileSystemEntries(dir); }
                catch (IOException) { continue; }
                foreach (string e in entries)
                {
                    // A state root's compiled-seccomp cache (Seccomp/SeccompCache) outlives its containers on purpose.
                    if (Path.GetFileName(e) == "@seccomp-cache") continue;
                    string d = Describe(e);
                    yield return $"{e} {d}";
                    if (d == "dir") stack.Push(e);
                }
            }
        }
    }

    /// <summary>"missing", "dir", "-> target" for a symlink, "fifo"/"socket"/"char 1:3"..., or "sha256:... mode 644" for a file.</summary>
    private static unsafe string Describe(string path)
    {
        Libc.StatxBuf st;
        if (Libc.Statx(Libc.AT_FDCWD, path, Libc.AT_SYMLINK_NOFOLLOW, Libc.STATX_BASIC_STATS, &st) != 0) return "missing";
        string perm = Convert.ToString(st.Mode & 0xFFF, 8);
        switch (st.FileType)
        {
            case 0x4000: return "dir";
            case 0xA000: return "-> " + ReadLink(path);
            case 0x1000: return "fifo " + perm;
            case 0xC000: return "socket " + perm;
            case 0x2000: return $"char {st.RdevMajor}:{st.RdevMinor} {perm}";
            case 0x6000: return $"block {st.RdevMajor}:{st.RdevMinor} {perm}";
        }
        try
        {
            using var stream = System.IO.File.OpenRead(path);
            return "sha256:" + Convert.ToHexString(SHA256.HashData(stream)).ToLowerInvariant()[..16] + " mode " + perm;
        }
        catch (IOException e) { return "unreadable: " + e.GetType().Name; }
        catch (UnauthorizedAccessException) { return "unreadable"; }
    }

    // ---------------------------------------------------------------- helpers

    private static List<string> ReadLines(string file)
    {
        try { return System.IO.File.ReadAllLines(file).ToList(); }
        catch (IOException) { return []; }
    }

    private static string ReadText(string file)
    {
        try { return System.IO.File.ReadAllText(file); }
        catch (IOException) { return ""; }
        catch (UnauthorizedAccessException) { return ""; }
    }

    private static string ReadLink(string path)
    {
        try { return new FileInfo(path).LinkTarget ?? ""; }
        catch (IOException) { return ""; }
        catch (UnauthorizedAccessException) { return ""; }
    }
}
