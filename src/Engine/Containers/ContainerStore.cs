using System.Security.Cryptography;
using System.Text.Json;
using MyDocker.Engine.Api;
using MyDocker.Runtime.State;
using MyDocker.Spec;

namespace MyDocker.Engine.Containers;

/// <summary>
/// DATA/containers/: one directory per container (named by its 64-hex id), holding container.json
/// (<see cref="ContainerRecord"/>), the bundle (config.json), resolv.conf/hostname/hosts, the
/// overlay's upper/work/rootfs, and the monitor's files. Lookups accept what Docker accepts: the id,
/// a unique prefix of it, or the name.
/// DATA/trash/: container directories on their way out (<see cref="Discard"/>).
/// </summary>
public sealed class ContainerStore
{
    private readonly Dictionary<string, ContainerRecord> _byId = new();
    private readonly object _lock = new();

    public ContainerStore(string dataRoot)
    {
        Root = Path.Combine(dataRoot, "containers");
        _trash = Path.Combine(dataRoot, "trash");
        Directory.CreateDirectory(Root);
        Directory.CreateDirectory(_trash);
        foreach (string dir in Directory.GetDirectories(_trash)) DeleteInBackground(dir); // left by a daemon that stopped
        foreach (string dir in Directory.GetDirectories(Root))
        {
            string file = Path.Combine(dir, "container.json");
            if (!File.Exists(file))
            {
                // A create that died half-way (the daemon was killed in it): nothing to keep.
                RootfsMount.Unmount(dir);
                Discard(dir);
                continue;
            }
            var record = JsonSerializer.Deserialize(File.ReadAllBytes(file), EngineJson.Default.ContainerRecord);
            if (record != null && record.Id == Path.GetFileName(dir)) _byId[record.Id] = record;
        }
    }

    public string Root { get; }
    private readonly string _trash;

    /// <summary>
    /// Takes a container's directory (unmounted) out of the store at once, by a rename into
    /// DATA/trash, and deletes it in the background: `rm` answers without waiting for a recursive
    /// delete (1.5 ms of a 33 ms `run --rm`, measured). A daemon stopped meanwhile finishes at its next start.
    /// </summary>
    public void Discard(string dir)
    {
        string target = Path.Combine(_trash, $"{Path.GetFileName(dir)}.{Environment.TickCount64}");
        try { Directory.Move(dir, target); }
        catch (DirectoryNotFoundException) { return; }
        DeleteInBackground(target);
    }

    private static void DeleteInBackground(string dir) => ThreadPool.QueueUserWorkItem(_ =>
    {
        try { Directory.Delete(dir, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { } // tried again at the next start
    });

    public string DirOf(string id) => Path.Combine(Root, id);

    public IReadOnlyList<ContainerRecord> All()
    {
        lock (_lock) return _byId.Values.OrderByDescending(c => c.Created).ToList();
    }

    /// <summary>By id, unique id prefix, or name ("web" or "/web"); 404 "No such container: X" otherwise, as dockerd says it.</summary>
    public ContainerRecord Get(string idOrName)
    {
        lock (_lock)
        {
            if (_byId.TryGetValue(idOrName, out var exact)) return exact;
            string name = idOrName.StartsWith('/') ? idOrName : "/" + idOrName;
            var byName = _byId.Values.FirstOrDefault(c => c.Name == name);
            if (byName != null) return byName;
            if (idOrName.Length > 0 && idOrName.All(char.IsAsciiHexDigitLower))
            {
                var matches = _byId.Values.Where(c => c.Id.StartsWith(idOrName, StringComparison.Ordinal)).ToList();
                if (matches.Count == 1) return matches[0];
                if (matches.Count > 1) throw ApiException.BadRequest($"multiple containers found with the id prefix {MessageText.Quote(idOrName)}");
            }
        }
        throw ApiException.NotFound($"No such container: {MessageText.Escape(idOrName)}");
    }

    /// <summary>A new record with a fresh id and the given (or a generated) name; 409 if the name is taken.</summary>
    public ContainerRecord Add(string? name, Func<string, ContainerRecord> make)
    {
        lock (_lock)
        {
            string finalName = "/" + (string.IsNullOrEmpty(name) ? GenerateName() : CheckName(name.TrimStart('/')));
            var taken = _byId.Values.FirstOrDefault(c => c.Name == finalName);
            if (taken != null)
                throw ApiException.Conflict($"Conflict. The container name {MessageText.Quote(finalName)} is already in use by container {MessageText.Quote(taken.Id)}. You have to remove (or rename) that container to be able to reuse that name.");
            string id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
            var record = make(id);
            record.Id = id;
            record.Name = finalName;
            _byId[id] = record;
            return record;
        }
    }

    public void Save(ContainerRecord record)
    {
        byte[] bytes = JsonSerializer.SerializeToUtf8Bytes(record, EngineJson.Default.ContainerRecord);
        lock (_lock)
        {
            if (!_byId.ContainsKey(record.Id)) return; // removed meanwhile
            Directory.CreateDirectory(DirOf(record.Id));
            AtomicFile.Write(Path.Combine(DirOf(record.Id), "container.json"), bytes, durable: false);
        }
    }

    public void Forget(string id)
    {
        lock (_lock) _byId.Remove(id);
    }

    /// <summary>Docker's rule for names: [a-zA-Z0-9][a-zA-Z0-9_.-]+.</summary>
    private static string CheckName(string name)
    {
        bool ok = name.Length >= 2 && char.IsAsciiLetterOrDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-');
        return ok ? name : throw ApiException.BadRequest($"Invalid container name ({MessageText.Escape(name)}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
    }

    private static readonly string[] Adjectives = ["brave", "calm", "eager", "fancy", "gentle", "happy", "jolly", "keen", "lucid", "merry", "nifty", "proud", "quiet", "swift", "tender", "vivid", "witty", "zealous"];
    private static readonly string[] Scientists = ["curie", "darwin", "euler", "faraday", "galileo", "hopper", "kepler", "lovelace", "newton", "noether", "pascal", "ritchie", "shannon", "thompson", "turing", "wozniak"];

    /// <summary>Like dockerd: adjective_scientist, made unique with a digit if needed.</summary>
    private string GenerateName()
    {
        for (int i = 0; ; i++)
        {
            string n = $"{Adjectives[RandomNumberGenerator.GetInt32(Adjectives.Length)]}_{Scientists[RandomNumberGenerator.GetInt32(Scientists.Length)]}" + (i > 5 ? i.ToString() : "");
            if (!_byId.Values.Any(c => c.Name == "/" + n)) return n;
        }
    }
}
