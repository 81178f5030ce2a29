using System.Security.Cryptography;
using MyDocker.Runtime.State;
using MyDocker.Spec;

namespace MyDocker.Engine.Images;

/// <summary>
/// The daemon's images, on disk under &lt;dataRoot&gt;/image/ (all 0700: layers hold setuid files and
/// devices that no host user may reach):
///   imagedb/content/sha256/&lt;hex&gt;  an image config, byte-exact; &lt;hex&gt; = its sha256 = the image ID
///   repositories.json               the tags ("name:tag" → image ID)
///   layers/&lt;hex&gt;/...                the layers by diff id (<see cref="LayerStore"/>)
///   tmp/                            uploads and archives being read; emptied at start
/// `docker import` and `docker load` read their input outside the lock (a slow client blocks no
/// one) and take the lock only to add what they read. Everything else runs under one lock.
/// </summary>
public sealed class ImageStore
{
    private static readonly UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private readonly Lock _lock = new();
    private readonly string _contentDir;
    private readonly string _repositoriesFile;
    private readonly string _tmp;
    private readonly LayerStore _layers;
    private readonly Dictionary<string, StoredImage> _images = new(StringComparer.Ordinal); // by ID
    private readonly SortedDictionary<string, string> _tags;                                  // tag -> ID
    private readonly List<string> _startupWarnings = new();

    private sealed record StoredImage(string Id, ParsedImageConfig Parsed, long Size);

    public ImageStore(string dataRoot)
    {
        string root = Path.Combine(dataRoot, "image");
        _contentDir = Path.Combine(root, "imagedb", "content", "sha256");
        _repositoriesFile = Path.Combine(root, "repositories.json");
        _tmp = Path.Combine(root, "tmp");
        string layersDir = Path.Combine(root, "layers");
        foreach (string dir in (string[])[root, Path.Combine(root, "imagedb"), Path.Combine(root, "imagedb", "content"), _contentDir, layersDir, _tmp])
            Directory.CreateDirectory(dir, Private);
        _layers = new LayerStore(layersDir, _tmp);

        // Whatever a crash left half-made: uploads, extracted archives.
        foreach (string entry in Directory.EnumerateFileSystemEntries(_tmp)) DeletePath(entry);
        LoadImages();
        _tags = RepositoriesFile.Read(_repositoriesFile);
        foreach (var (tag, id) in _tags.ToList())
            if (!_images.ContainsKey(id)) _tags.Remove(tag);
        // Layers no image uses: a load or import that crashed before writing its config, or a crashed remove.
        DeleteUnusedLayers(_layers.All());
    }

    /// <summary>What the store left out when it started (a config that is not what its name says, a missing layer).</summary>
    public IReadOnlyList<string> StartupWarnings => _startupWarnings;

    private void LoadImages()
    {
        foreach (string file in Directory.EnumerateFiles(_contentDir))
        {
            string hex = Path.GetFileName(file);
            if (ImageReference.IdHex(hex, 64) == null) { DeletePath(file); continue; } // an AtomicFile temp
            byte[] bytes = File.ReadAllBytes(file);
            string id = "sha256:" + hex;
            try
            {
                if (Digest(bytes) != id) throw new MyDockerException("its content does not match its name (sha256)");
                var parsed = ImageConfigJson.Parse(bytes, "image config");
                var missing = parsed.DiffIds.FirstOrDefault(d => !_layers.Exists(d));
                if (missing != null) throw new MyDockerException($"its layer {missing} is missing");
                _images[id] = new StoredImage(id, parsed, parsed.DiffIds.Sum(_layers.ContentSize));
            }
            catch (MyDockerException e)
            {
                _startupWarnings.Add($"image {id} left out: {e.Message}");
            }
        }
    }

    /// <summary>
    /// `docker import`: <paramref name="tar"/> (plain or gzip) becomes the one layer of a new image whose
    /// config comes from <paramref name="changes"/>; tagged <paramref name="repoTag"/> when given.
    /// </summary>
    public ImageRecord Import(Stream tar, string? repoTag, IReadOnlyList<string>? changes)
    {
        // Check what the caller gave before reading a possibly large upload.
        string? tag = repoTag == null ? null : ImageReference.RequireTag(repoTag);
        var config = DockerfileChanges.Apply(new ImageConfig(), changes);
        using var layer = _layers.Ingest(tar, "the imported tar");
        byte[] configBytes = ImageConfigJson.BuildImport(config, layer.DiffId, DateTime.UtcNow, "Imported from -");
        lock (_lock)
        {
            _layers.Commit(layer);
            var image = AddImage(configBytes, ImageConfigJson.Parse(configBytes, "image config"));
            if (tag != null)
            {
                _tags[tag] = image.Id;
                SaveTags();
            }
            return ToRecord(image);
        }
    }

    /// <summary>`docker load`: the images of a `docker save` archive (both layouts, plain or gzip), with their tags.</summary>
    public IReadOnlyList<ImageRecord> Load(Stream archive)
    {
        var loaded = DockerArchive.Read(archive, _tmp, _layers);
        try
        {
            var tags = loaded.Select(i => i.RepoTags.Select(ImageReference.RequireTag).ToList()).ToList();
            lock (_lock)
            {
                var records = new List<StoredImage>();
                for (int i = 0; i < loaded.Count; i++)
                {
                    foreach (var layer in loaded[i].Layers) _layers.Commit(layer);
                    var image = AddImage(loaded[i].ConfigBytes, loaded[i].Config);
                    foreach (string tag in tags[i]) _tags[tag] = image.Id; // a tag moves to the loaded image, as in Docker
                    records.Add(image);
                }
                SaveTags();
                // An OCI index lists an image once per tag: one record each.
                return records.DistinctBy(i => i.Id).Select(ToRecord).ToList();
            }
        }
        finally
        {
            // Committed layers have left their temp files; this removes the rest.
            foreach (var layer in loaded.SelectMany(i => i.Layers)) layer.Dispose();
        }
    }

    /// <summary>
    /// The image a reference names, or null: "name:tag", "name" (name:latest), "docker.io/library/name:tag",
    /// "sha256:&lt;hex&gt;", "&lt;hex&gt;", or a prefix of the hex of at least 4 digits that only one image has.
    /// </summary>
    public ImageRecord? Find(string reference)
    {
        lock (_lock) return Resolve(reference) is { } found ? ToRecord(found.Image) : null;
    }

    /// <summary>All images, newest first (as `docker images` lists them).</summary>
    public IReadOnlyList<ImageRecord> List()
    {
        lock (_lock)
            return _images.Values.OrderByDescending(i => i.Parsed.Created).ThenBy(i => i.Id, StringComparer.Ordinal)
                .Select(ToRecord).ToList();
    }

    /// <summary>`docker tag`: <paramref name="newRepoTag"/> names the image <paramref name="reference"/> names (moved if it named another).</summary>
    public void Tag(string reference, string newRepoTag)
    {
        string tag = ImageReference.RequireTag(newRepoTag);
        lock (_lock)
        {
            var (image, _) = Resolve(reference) ?? throw new ImageNotFoundException(reference);
            _tags[tag] = image.Id;
            SaveTags();
        }
    }

    /// <summary>
    /// `docker rmi` (DELETE /images/{name}). A tag of an image that has other tags: only that tag goes.
    /// Otherwise the image goes, with all its tags — refused when it is referenced by several tags
    /// and named by ID without <paramref name="force"/>, and always when a container uses it
    /// (<paramref name="inUse"/>(id); called under the store's lock, so it must not call the store).
    /// Its layers go when no other image has them. Returns Docker's answer:
    /// ("Untagged", "busybox:latest") ..., ("Deleted", "sha256:...").
    /// </summary>
    public IReadOnlyList<(string Kind, string Value)> Remove(string reference, bool force, Func<string, bool> inUse)
    {
        lock (_lock)
        {
            var (image, byTag) = Resolve(reference) ?? throw new ImageNotFoundException(reference);
            var tags = TagsOf(image.Id);
            if (byTag != null && tags.Count > 1)
            {
                _tags.Remove(byTag);
                SaveTags();
                return [("Untagged", byTag)];
            }
            string shortId = image.Id[7..19];
            if (byTag == null && tags.Count > 1 && !force)
                throw new ImageConflictException(
                    $"conflict: unable to delete {shortId} (must be forced) - image is referenced in multiple repositories");
            if (inUse(image.Id))
                throw new ImageInUseException(
                    $"conflict: unable to delete {MessageText.Quote(reference)} ({shortId}) - image is being used by a container");

            var result = new List<(string, string)>();
            foreach (string tag in tags)
            {
                _tags.Remove(tag);
                result.Add(("Untagged", tag));
            }
            SaveTags();
            // The config goes after the tags and before the layers: a crash in between leaves a dangling
            // image or unused layers, which the next start removes; never a tag of a missing image.
            _images.Remove(image.Id);
            File.Delete(Path.Combine(_contentDir, image.Id[7..]));
            result.Add(("Deleted", image.Id));
            DeleteUnusedLayers(image.Parsed.DiffIds);
            return result;
        }
    }

    /// <summary>
    /// The image's layer directories for <paramref name="shift"/>, top-most first (overlayfs lowerdir
    /// order). A layer is unpacked for a shift the first time it is asked for, then shared by every
    /// image that has it.
    /// </summary>
    public IReadOnlyList<string> LayerDirs(ImageRecord image, IdShift shift)
    {
        if (!shift.IsNone && (ulong)shift.HostStart + shift.Size > uint.MaxValue)
            throw new MyDockerException($"id shift {shift.Key}: the host range passes 2^32-1");
        lock (_lock)
        {
            if (!_images.TryGetValue(image.Id, out var stored)) throw new ImageNotFoundException(image.Id);
            var dirs = new List<string>();
            for (int i = stored.Parsed.DiffIds.Count - 1; i >= 0; i--) dirs.Add(_layers.Unpacked(stored.Parsed.DiffIds[i], shift));
            return dirs;
        }
    }

    /// <summary>The image config document exactly as stored (its sha256 is the image ID).</summary>
    public byte[] ConfigBytes(ImageRecord image)
    {
        lock (_lock)
        {
            if (!_images.ContainsKey(image.Id)) throw new ImageNotFoundException(image.Id);
            return File.ReadAllBytes(Path.Combine(_contentDir, image.Id[7..]));
        }
    }

    // ---- under the lock ----

    private StoredImage AddImage(byte[] configBytes, ParsedImageConfig parsed)
    {
        string id = Digest(configBytes);
        if (_images.TryGetValue(id, out var existing)) return existing;
        AtomicFile.Write(Path.Combine(_contentDir, id[7..]), configBytes);
        var image = new StoredImage(id, parsed, parsed.DiffIds.Sum(_layers.ContentSize));
        _images[id] = image;
        return image;
    }

    /// <summary>The image a reference names and, when it named it by a tag, that tag.</summary>
    private (StoredImage Image, string? Tag)? Resolve(string reference)
    {
        // "sha256:..." is an ID, even though it would parse as the name "sha256" with a tag.
        if (!reference.StartsWith("sha256:", StringComparison.Ordinal) &&
            ImageReference.NormalizeTag(reference) is { } tag && _tags.TryGetValue(tag, out string? id))
            return (_images[id], tag);
        if (ImageReference.IdHex(reference) is not { } hex) return null;
        StoredImage? match = null;
        foreach (var image in _images.Values)
        {
            if (!image.Id.AsSpan(7).StartsWith(hex, StringComparison.Ordinal)) continue;
            if (match != null) return null; // ambiguous: Docker says "no such image" too
            match = image;
        }
        return match == null ? null : (match, null);
    }

    private List<string> TagsOf(string id) => _tags.Where(t => t.Value == id).Select(t => t.Key).ToList();

    private void SaveTags() => RepositoriesFile.Write(_repositoriesFile, _tags);

    private void DeleteUnusedLayers(IEnumerable<string> candidates)
    {
        var used = _images.Values.SelectMany(i => i.Parsed.DiffIds).ToHashSet(StringComparer.Ordinal);
        foreach (string diffId in candidates.ToList())
            if (!used.Contains(diffId) && ImageConfigJson.IsDigest(diffId)) _layers.Delete(diffId);
    }

    private ImageRecord ToRecord(StoredImage image)
    {
        // Copies: a caller changing the lists of a record changes nothing here.
        var c = image.Parsed.Config;
        var config = c with
        {
            Env = c.Env?.ToList(), Cmd = c.Cmd?.ToList(), Entrypoint = c.Entrypoint?.ToList(),
            Labels = c.Labels == null ? null : new Dictionary<string, string>(c.Labels, StringComparer.Ordinal),
            ExposedPorts = c.ExposedPorts?.ToList(), Volumes = c.Volumes?.ToList(),
        };
        return new ImageRecord(image.Id, TagsOf(image.Id), image.Parsed.Created, image.Size, config,
            image.Parsed.DiffIds.ToList(), image.Parsed.Architecture, image.Parsed.Os);
    }

    private static string Digest(byte[] bytes) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static void DeletePath(string path)
    {
        if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
        else File.Delete(path);
    }
}
