using System.Text;
using MyDocker.Spec;
using SeccompSpec = MyDocker.Spec.Model.Seccomp;

namespace MyDocker.Runtime.Seccomp;

/// <summary>
/// Compiled filters kept in the state root, so that a profile is compiled once rather than at every
/// create and exec. Docker's default profile (357 system calls, three architectures) takes libseccomp
/// about 15 ms to compile here, more than the rest of a create; an engine sends the same profile
/// for every container. crun keeps such a cache too (its state root's .cache/seccomp).
///
/// Why it cannot be stale: an entry holds, next to the program, the full text of everything the
/// compiled program depends on (<see cref="KeyText"/>): this very binary (the inode, size and mtime
/// of the running file: a rebuilt or upgraded mydocker misses), the libseccomp linked into it, the
/// running kernel (release, build and machine, which decide the API level libseccomp probes), and
/// the profile itself, written canonically. An entry is used only when that text is byte for byte
/// the same as now; its file name is only a hash of it (FNV-1a, to find it), so even two profiles
/// made to collide on the name cannot get each other's program. An entry is written under a
/// temporary name and renamed, so a reader sees a whole entry or none. The directory is root's
/// (0700) like the state root, on tmpfs (/run), emptied at boot. At most <see cref="MaxEntries"/>
/// entries: the oldest go first. (Not SHA-256: .NET's would load OpenSSL into this static binary.)
/// </summary>
public static class SeccompCache
{
    /// <summary>'@' is not allowed in a container ID: this directory is never a container's.</summary>
    public const string DirName = "@seccomp-cache";
    public const int MaxEntries = 32;
    private const string Magic = "mydocker-seccomp-cache 1\n";

    /// <summary>The compiled filter of <paramref name="spec"/>, from the cache or compiled (and kept); its warnings go to <paramref name="warn"/>.</summary>
    public static SeccompProgram Get(SeccompSpec spec, string stateRoot, Action<string> warn) => Get(spec, stateRoot, warn, out _);

    /// <param name="cached">whether the program came from the cache (for --debug)</param>
    public static SeccompProgram Get(SeccompSpec spec, string stateRoot, Action<string> warn, out bool cached)
    {
        cached = false;
        string dir = Path.Combine(stateRoot, DirName);
        byte[] key = Encoding.UTF8.GetBytes(KeyText(spec));
        string file = Path.Combine(dir, Fnv1a64(key).ToString("x16"));
        if (TryRead(file, key) is var (kept, keptWarnings))
        {
            foreach (string w in keptWarnings) warn(w);
            cached = true;
            return kept;
        }
        using var filter = SeccompFilter.Build(spec);
        // Only names this kernel/libseccomp does not know are worth the user's attention; profiles
        // such as podman's routinely list a syscall twice, which runc accepts silently too.
        var warnings = filter.Warnings.Where(w => w.Contains("unknown system call")).ToList();
        var program = filter.Compile();
        TryWrite(dir, file, key, program, warnings);
        foreach (string w in warnings) warn(w);
        return program;
    }

    /// <summary>What the compiled program depends on, as text: the binary, libseccomp, the kernel, the profile.</summary>
    public static string KeyText(SeccompSpec spec)
    {
        // statx follows the /proc/self/exe link to the running file's inode, even if its path is gone.
        if (Interop.Libc.StatxPath("/proc/self/exe", out var st) < 0) throw Interop.Libc.Fail("seccomp cache: statx /proc/self/exe");
        return new StringBuilder(Magic)
            .Append("binary ").Append(st.DevMajor).Append(':').Append(st.DevMinor)
            .Append(' ').Append(st.Ino).Append(' ').Append(st.Size).Append(' ').Append(st.Mtime.Sec).Append('.').Append(st.Mtime.Nsec).Append('\n')
            .Append("libseccomp ").Append(SeccompFilter.LibraryVersion).Append('\n')
            .Append("kernel ").Append(ReadTrimmed("/proc/sys/kernel/osrelease")).Append(' ').Append(ReadTrimmed("/proc/sys/kernel/version"))
            .Append(' ').Append(System.Runtime.InteropServices.RuntimeInformation.OSArchitecture).Append('\n')
            .Append("profile ").Append(SpecJson.SerializeConfig(new Spec.Model.Config { Linux = new Spec.Model.Linux { Seccomp = spec } }, indented: false))
            .ToString();
    }

    /// <summary>FNV-1a, 64 bits: a file name for the key, not a proof of anything (the key is compared whole).</summary>
    public static ulong Fnv1a64(ReadOnlySpan<byte> data)
    {
        ulong h = 14695981039346656037UL;
        foreach (byte b in data) { h ^= b; h *= 1099511628211UL; }
        return h;
    }

    private static string ReadTrimmed(string file)
    {
        try { return SmallFile.ReadText(file).Trim(); }
        catch (IOException) { return "?"; }
    }

    // An entry: u32 key length, the key text, u32 warning count, (u32 length, UTF-8)*, u32 program length, program (SeccompProgram.ToBytes).
    private static (SeccompProgram, List<string>)? TryRead(string file, byte[] key)
    {
        byte[] bytes;
        try { bytes = SmallFile.ReadBytes(file); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
        var body = bytes.AsSpan();
        try
        {
            if (!Take(ref body, TakeInt(ref body)).SequenceEqual(key)) return null; // another key with the same name
            int count = TakeInt(ref body);
            var warnings = new List<string>(count);
            for (int i = 0; i < count; i++) warnings.Add(Encoding.UTF8.GetString(Take(ref body, TakeInt(ref body))));
            var program = Take(ref body, TakeInt(ref body));
            if (body.Length != 0) return null;
            return (SeccompProgram.FromBytes(program, $"cached program {file}"), warnings);
        }
        catch (Exception e) when (e is ArgumentOutOfRangeException or MyDockerException) { return null; }
    }

    private static int TakeInt(ref Span<byte> s)
    {
        int v = BitConverter.ToInt32(Take(ref s, 4));
        if (v < 0) throw new ArgumentOutOfRangeException(nameof(s));
        return v;
    }

    private static Span<byte> Take(ref Span<byte> s, int n)
    {
        var head = s[..n];
        s = s[n..];
        return head;
    }

    /// <summary>Keeps the entry; a cache that cannot be written costs only the next compile, so failures are ignored.</summary>
    private static void TryWrite(string dir, string file, byte[] key, SeccompProgram program, List<string> warnings)
    {
        try
        {
            Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var entry = new MemoryStream();
            entry.Write(BitConverter.GetBytes(key.Length));
            entry.Write(key);
            entry.Write(BitConverter.GetBytes(warnings.Count));
            foreach (string w in warnings)
            {
                byte[] text = Encoding.UTF8.GetBytes(w);
                entry.Write(BitConverter.GetBytes(text.Length));
                entry.Write(text);
            }
            byte[] bpf = program.ToBytes();
            entry.Write(BitConverter.GetBytes(bpf.Length));
            entry.Write(bpf);
            // A temporary name of this process's own (two creates may compile the same profile at
            // once), then rename: a reader sees a whole entry or none.
            string tmp = $"{file}.{Environment.ProcessId}.tmp";
            using (var f = new FileStream(tmp, FileMode.Create, FileAccess.Write)) f.Write(entry.GetBuffer(), 0, (int)entry.Length);
            File.Move(tmp, file, overwrite: true);
            Evict(dir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or MyDockerException) { }
    }

    /// <summary>Beyond <see cref="MaxEntries"/>, the least recently written entries go.</summary>
    private static void Evict(string dir)
    {
        var entries = new DirectoryInfo(dir).GetFiles();
        if (entries.Length <= MaxEntries) return;
        foreach (var old in entries.OrderBy(f => f.LastWriteTimeUtc).Take(entries.Length - MaxEntries))
        {
            try { old.Delete(); } catch (IOException) { }
        }
    }
}
