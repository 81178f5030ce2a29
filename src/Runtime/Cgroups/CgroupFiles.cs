using System.Text;
using MyDocker.Runtime.Interop;
using MyDocker.Spec;

namespace MyDocker.Runtime.Cgroups;

/// <summary>
/// Every file-system operation the cgroup code does, in one place: writes to interface files,
/// reads, mkdir/rmdir. The real cgroupfs is used through it in production; tests derive from it to
/// run the same code on a plain directory tree built like a cgroupfs (a derived class fills a
/// new directory with interface files, as the kernel does on mkdir) and read back <see cref="Log"/>.
///
/// A write never creates a file (no O_CREAT): an interface file the kernel does not offer is an
/// error that names it, not a silently made regular file.
/// </summary>
public class CgroupFiles
{
    /// <summary>The one instance used for the real cgroupfs.</summary>
    public static readonly CgroupFiles Real = new();

    /// <summary>When not null, every successful write is appended as (full path, value), in order.</summary>
    public List<(string Path, string Value)>? Log { get; set; }

    /// <summary>
    /// Writes <paramref name="value"/> to dir/file in one write(2), as the kernel wants for cgroup files.
    /// Failure: MyDockerException "field: writing file: strerror", e.g.
    /// "linux.resources.memory.limit: writing memory.limit_in_bytes: Device or resource busy".
    /// </summary>
    public void Write(string dir, string file, string value, string field)
    {
        int errno = TryWrite(dir, file, value);
        if (errno != 0) throw WriteError(field, file, errno);
    }

    /// <summary>Like <see cref="Write"/>, but returns the errno (0 on success) instead of throwing.</summary>
    public int TryWrite(string dir, string file, string value)
    {
        string path = Path.Combine(dir, file);
        int errno = WriteRaw(path, value);
        if (errno == 0) Log?.Add((path, value));
        return errno;
    }

    public static MyDockerException WriteError(string field, string file, int errno) =>
        new($"{field}: writing {file}: {Libc.StrError(errno)}", errno);

    /// <summary>The write itself; 0 or an errno.</summary>
    protected virtual unsafe int WriteRaw(string path, string value)
    {
        int fd;
        do fd = Libc.Open(path, Libc.O_WRONLY | Libc.O_TRUNC | Libc.O_CLOEXEC, 0);
        while (fd < 0 && Libc.LastErrno == Libc.EINTR);
        if (fd < 0) return Libc.LastErrno;
        try
        {
            byte[] bytes = Encoding.UTF8.GetBytes(value);
            fixed (byte* p = bytes)
            {
                nint n;
                do n = Libc.Write(fd, p, bytes.Length);
                while (n < 0 && Libc.LastErrno == Libc.EINTR);
                if (n < 0) return Libc.LastErrno;
                // cgroup files take a value in one write; a short write would be a different value.
                if (n != bytes.Length) return Libc.EIO;
            }
            return 0;
        }
        finally { Libc.Close(fd); }
    }

    /// <summary>The file's text, or null when it does not exist (or cannot be read).</summary>
    public virtual string? Read(string dir, string file)
    {
        try { return SmallFile.ReadText(Path.Combine(dir, file)); }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    /// <summary>The file's text; a missing file is an error naming the field that needed it.</summary>
    public string ReadRequired(string dir, string file, string field) =>
        Read(dir, file) ?? throw new MyDockerException($"{field}: reading {file}: {Libc.StrError(Libc.ENOENT)}", Libc.ENOENT);

    public virtual bool Exists(string dir, string file) => File.Exists(Path.Combine(dir, file));

    public virtual bool DirExists(string dir) => Directory.Exists(dir);

    /// <summary>The names of the files in a directory that match a glob pattern (e.g. "hugetlb.*.max").</summary>
    public virtual IEnumerable<string> FileNames(string dir, string pattern)
    {
        try { return Directory.GetFiles(dir, pattern).Select(p => Path.GetFileName(p)!).Order(StringComparer.Ordinal).ToList(); }
        catch (IOException) { return []; }
    }

    /// <summary>The sub-directories (child cgroups) of a cgroup directory, full paths.</summary>
    public virtual IEnumerable<string> SubDirs(string dir)
    {
        try { return Directory.GetDirectories(dir).Order(StringComparer.Ordinal).ToList(); }
        catch (IOException) { return []; }
    }

    /// <summary>mkdir(2) of one directory; 0, or an errno (EEXIST included).</summary>
    public virtual int Mkdir(string path) => Libc.MkdirRaw(path, 0x1ED /* 0755 */) == 0 ? 0 : Libc.LastErrno;

    /// <summary>Attaches a cgroup v2 device filter program to a cgroup directory (bpf(2)).</summary>
    public virtual void AttachDeviceFilter(string dir, IReadOnlyList<V2.Devices.BpfInsn> program, string field) =>
        V2.Devices.DeviceProgram.Attach(dir, program, field);

    /// <summary>rmdir(2) of one directory; 0 or an errno.</summary>
    public virtual int Rmdir(string path) => Libc.Rmdir(path) == 0 ? 0 : Libc.LastErrno;
}
