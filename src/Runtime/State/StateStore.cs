using System.Text.Json;
using MyDocker.Runtime.Interop;
using MyDocker.Spec;
using MyDocker.Spec.Model;

namespace MyDocker.Runtime.State;

/// <summary>
/// The state directory (--root, default /run/mydocker): one directory per container holding
///   state.json   the ContainerRecord
///   config.json  the bundle's config as it was at create time (exec and delete read it)
///   exec.fifo    while the container is "created": init blocks opening it, `start` releases it
/// </summary>
public sealed class StateStore
{
    public const string RecordFile = "state.json";
    public const string ConfigFile = "config.json";
    public const string FifoFile = "exec.fifo";

    public string Root { get; }

    public StateStore(string root)
    {
        Root = Path.GetFullPath(root);
    }

    public string DirOf(string id) => Path.Combine(Root, ContainerId.Validate(id));

    /// <summary>
    /// Creates the container's directory and takes its lock (<see cref="ContainerLock"/>); fails if the
    /// ID is taken (mkdir is atomic). The caller holds the lock for the whole of create.
    /// </summary>
    public ContainerLock CreateLocked(string id)
    {
        string dir = DirOf(id);
        if (File.Exists(Root)) throw new MyDockerException($"the state root {Root} (--root) is not a directory", Libc.ENOTDIR);
        ErrorText.Io($"creating the state root {Root} (--root)",
            () => Directory.CreateDirectory(Root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute));
        if (Libc.MkdirRaw(dir, 0x1C0 /* 0700 */) < 0)
        {
            if (Libc.LastErrno == Libc.EEXIST) throw new MyDockerException($"container {ContainerId.Quote(id)} already exists");
            throw Libc.Fail($"creating state directory {dir}");
        }
        // A `delete --force` may take the fresh, empty directory's lock first and remove it: it won.
        return ContainerLock.Acquire(dir)
            ?? throw new MyDockerException($"container {ContainerId.Quote(id)} was deleted while it was being created");
    }

    /// <summary>Waits for the container's lock; null when there is no such container (any more).</summary>
    public ContainerLock? TryLock(string id) => ContainerLock.Acquire(DirOf(id));

    /// <summary>Waits for the container's lock; "does not exist" when there is no such container.</summary>
    public ContainerLock Lock(string id) => TryLock(id) ?? throw NotFound(id);

    /// <summary>True while a `create` of this ID is still running in another process (it holds the lock, no pid recorded yet).</summary>
    public bool CreateInProgress(string id) => ContainerLock.IsHeldElsewhere(DirOf(id));

    public bool Exists(string id) => File.Exists(Path.Combine(DirOf(id), RecordFile));

    public ContainerRecord Load(string id)
    {
        var (file, json) = ReadRecordFile(id);
        try
        {
            return CheckId(id, ContainerRecordJson.Read(json));
        }
        catch (JsonException e)
        {
            throw Corrupt(id, file, e.Message);
        }
    }

    /// <summary>
    /// For `delete --force`: the record, or when state.json is corrupt what could still be read from
    /// it (see <see cref="ContainerRecordJson.Salvage"/>) and the problem. A record that names another
    /// container is not trusted at all: its pid and cgroups are someone else's.
    /// </summary>
    public ContainerRecord LoadOrSalvage(string id, out string? problem)
    {
        var (file, json) = ReadRecordFile(id);
        problem = null;
        try
        {
            return CheckId(id, ContainerRecordJson.Read(json));
        }
        catch (JsonException e)
        {
            problem = Corrupt(id, file, e.Message).Message;
            var partial = ContainerRecordJson.Salvage(json);
            return partial.Id == id ? partial : new ContainerRecord { Id = id };
        }
    }

    private (string File, byte[] Json) ReadRecordFile(string id)
    {
        string file = Path.Combine(DirOf(id), RecordFile);
        try
        {
            return (file, SmallFile.ReadBytes(file));
        }
        catch (FileNotFoundException) { throw NotFound(id); }
        catch (DirectoryNotFoundException) { throw NotFound(id); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw ErrorText.Wrap($"reading {file}", e); }
    }

    /// <summary>A record must be the one of its directory: one copied from another container would make us act on that one.</summary>
    private static ContainerRecord CheckId(string id, ContainerRecord r)
    {
        if (r.Id.Length == 0) throw new JsonException("id: missing");
        if (r.Id != id) throw new JsonException($"id: {ContainerId.Quote(r.Id)}, not {ContainerId.Quote(id)}");
        return r;
    }

    private static MyDockerException Corrupt(string id, string file, string problem) =>
        new($"container {ContainerId.Quote(id)}: corrupt {file}: {problem}");

    public static MyDockerException NotFound(string id) => new($"container {ContainerId.Quote(id)} does not exist");

    /// <summary>
    /// Writes state.json atomically (temp file, rename), so readers never see half a file. Not
    /// fsync'd: the file describes processes, cgroups and mounts that all end with the kernel, so
    /// after a power loss there is nothing left for it to describe (a torn file is then reported as
    /// corrupt and `delete --force` removes it). A process crash keeps the page cache: rename alone
    /// is atomic there. runc does not fsync its state either; on a state root on disk (this test VM's
    /// /run is ext4) the fsyncs cost about 1.5 ms per container (docs/PERFORMANCE.md section 5).
    /// </summary>
    public void Save(ContainerRecord record) =>
        AtomicFile.Write(Path.Combine(DirOf(record.Id), RecordFile), ContainerRecordJson.Write(record), durable: false);

    /// <summary>config.json of the state directory, serialized once by create (which hands the same bytes to init).</summary>
    public void SaveConfig(string id, ReadOnlySpan<byte> configJson) =>
        AtomicFile.Write(Path.Combine(DirOf(id), ConfigFile), configJson, durable: false);

    public Config LoadConfig(string id)
    {
        string file = Path.Combine(DirOf(id), ConfigFile);
        string json;
        try { json = SmallFile.ReadText(file); }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            // The container exists (state.json is there) but its saved config is gone: say so, not "does not exist".
            if (Exists(id)) throw new MyDockerException($"container {ContainerId.Quote(id)}: {file} is missing");
            throw NotFound(id);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw ErrorText.Wrap($"reading {file}", e); }
        return SpecJson.DeserializeConfig(json, $"{id}/{ConfigFile}");
    }

    public IEnumerable<string> Ids()
    {
        if (!Directory.Exists(Root)) yield break;
        foreach (string dir in ErrorText.Io($"listing the state root {Root} (--root)", () => Directory.GetDirectories(Root)).Order())
        {
            string id = Path.GetFileName(dir);
            if (File.Exists(Path.Combine(dir, RecordFile))) yield return id;
        }
    }

    /// <summary>Removes the container's directory and everything in it (the caller holds its lock). Gone already is fine.</summary>
    public void Remove(string id)
    {
        string dir = DirOf(id);
        // What a container's directory holds, by name (state.json last: a directory cut short
        // without it reads as a create that never finished, which delete --force removes); then
        // rmdir. Anything else in it (a .tmp of a write that was killed) is for the full removal.
        foreach (string name in (ReadOnlySpan<string>)[FifoFile, ConfigFile, RecordFile]) Libc.Unlink(Path.Combine(dir, name));
        if (Libc.Rmdir(dir) == 0 || Libc.LastErrno == Libc.ENOENT) return;
        try { Directory.Delete(dir, recursive: true); }
        catch (DirectoryNotFoundException) { }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw ErrorText.Wrap($"removing {dir}", e); }
    }
}

