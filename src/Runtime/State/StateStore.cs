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

    /// <summary>Creates the container's directory; fails if the ID is taken (mkdir is atomic).</summary>
    public string CreateDir(string id)
    {
        string dir = DirOf(id);
        Directory.CreateDirectory(Root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        if (Libc.MkdirRaw(dir, 0x1C0 /* 0700 */) < 0)
        {
            if (Libc.LastErrno == Libc.EEXIST) throw new MyDockerException($"container \"{id}\" already exists");
            throw Libc.Fail($"creating state directory {dir}");
        }
        return dir;
    }

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
            return (file, File.ReadAllBytes(file));
        }
        catch (FileNotFoundException) { throw NotFound(id); }
        catch (DirectoryNotFoundException) { throw NotFound(id); }
    }

    /// <summary>A record must be the one of its directory: one copied from another container would make us act on that one.</summary>
    private static ContainerRecord CheckId(string id, ContainerRecord r)
    {
        if (r.Id.Length == 0) throw new JsonException("id: missing");
        if (r.Id != id) throw new JsonException($"id: \"{r.Id}\", not \"{id}\"");
        return r;
    }

    private static MyDockerException Corrupt(string id, string file, string problem) =>
        new($"container \"{id}\": corrupt {file}: {problem}");

    public static MyDockerException NotFound(string id) => new($"container \"{id}\" does not exist");

    /// <summary>Writes state.json atomically (temp file + rename), so readers never see half a file.</summary>
    public void Save(ContainerRecord record)
    {
        string dir = DirOf(record.Id);
        string tmp = Path.Combine(dir, RecordFile + ".tmp");
        File.WriteAllBytes(tmp, ContainerRecordJson.Write(record));
        File.Move(tmp, Path.Combine(dir, RecordFile), overwrite: true);
    }

    public void SaveConfig(string id, Config config) =>
        File.WriteAllText(Path.Combine(DirOf(id), ConfigFile), SpecJson.SerializeConfig(config, indented: false));

    public Config LoadConfig(string id)
    {
        string file = Path.Combine(DirOf(id), ConfigFile);
        string json;
        try { json = File.ReadAllText(file); }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            // The container exists (state.json is there) but its saved config is gone: say so, not "does not exist".
            if (Exists(id)) throw new MyDockerException($"container \"{id}\": {file} is missing");
            throw NotFound(id);
        }
        return SpecJson.DeserializeConfig(json, $"{id}/{ConfigFile}");
    }

    public IEnumerable<string> Ids()
    {
        if (!Directory.Exists(Root)) yield break;
        foreach (string dir in Directory.EnumerateDirectories(Root).Order())
        {
            string id = Path.GetFileName(dir);
            if (File.Exists(Path.Combine(dir, RecordFile))) yield return id;
        }
    }

    /// <summary>Removes the container's directory and everything in it.</summary>
    public void Remove(string id)
    {
        string dir = DirOf(id);
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
    }
}

