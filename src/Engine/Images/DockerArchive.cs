using System.Formats.Tar;
using System.Text.Json;
using MyDocker.Spec;

namespace MyDocker.Engine.Images;

/// <summary>One image of a `docker save` archive, its layers read and checked, ready for the store.</summary>
public sealed record LoadedImage(byte[] ConfigBytes, ParsedImageConfig Config, List<PendingLayer> Layers, List<string> RepoTags);

/// <summary>
/// Reads a `docker save` archive (`docker load`). Two layouts exist, and both carry manifest.json:
///   docker 20.10:  manifest.json  [{"Config":"&lt;id&gt;.json","RepoTags":["busybox:latest"],"Layers":["&lt;id&gt;/layer.tar"]}]
///                  &lt;id&gt;.json (the image config), &lt;id&gt;/layer.tar (a layer; repeated ones are symlinks
///                  "../&lt;other&gt;/layer.tar"), repositories
///   docker 25+:    an OCI image layout (oci-layout, index.json, blobs/sha256/&lt;hex&gt;) with manifest.json
///                  naming blobs: "Config":"blobs/sha256/&lt;hex&gt;", "Layers":["blobs/sha256/&lt;hex&gt;"]
/// An OCI archive without manifest.json is read through index.json (the image name from the
/// "io.containerd.image.name" or "org.opencontainers.image.ref.name" annotation).
///
/// The archive's entries come in any order, so it is first extracted to a private temporary
/// directory: one numbered file per regular entry (no archive name ever becomes a path), symlinks and
/// hard links kept as a name map. The archive may be gzip-compressed, and so may each layer.
/// Each layer's diff id is computed from its content and must equal the config's rootfs.diff_ids.
/// </summary>
public sealed class DockerArchive : IDisposable
{
    private const int MaxJsonBytes = 16 << 20;
    private const int MaxLinkHops = 40;
    private readonly string _dir;
    private readonly Dictionary<string, string> _files = new(StringComparer.Ordinal);  // entry name -> extracted file
    private readonly Dictionary<string, string> _links = new(StringComparer.Ordinal);  // symlink name -> target name

    private DockerArchive(string dir) => _dir = dir;

    /// <summary>Reads the images of <paramref name="archive"/>; their layers are pending in <paramref name="layers"/>' temp area.</summary>
    public static List<LoadedImage> Read(Stream archive, string tmpDir, LayerStore layers)
    {
        using var extracted = Extract(archive, tmpDir);
        return extracted.ReadImages(layers);
    }

    private static DockerArchive Extract(Stream archive, string tmpDir)
    {
        string dir = Path.Combine(tmpDir, "load-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var result = new DockerArchive(dir);
        try
        {
            using var plain = Decompression.Open(archive, "the archive");
            using var reader = new TarReader(plain, leaveOpen: true);
            while (NextEntry(reader) is { } entry) result.Keep(entry);
            return result;
        }
        catch
        {
            result.Dispose();
            throw;
        }
    }

    private static TarEntry? NextEntry(TarReader reader)
    {
        try { return reader.GetNextEntry(copyData: false); }
        catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException or ArgumentException)
        {
            throw new MyDockerException($"the archive is not a valid tar archive: {LayerUnpacker.TarProblem(e)}");
        }
    }

    private void Keep(TarEntry entry)
    {
        string name = Clean(entry.Name);
        switch (entry.EntryType)
        {
            case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                string file = Path.Combine(_dir, _files.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
                using (var output = new FileStream(file, FileMode.CreateNew, FileAccess.Write))
                    entry.DataStream?.CopyTo(output, 1 << 17);
                _files[name] = file;
                _links.Remove(name);
                break;
            case TarEntryType.SymbolicLink:
                // Relative to the link's directory, like "../<id>/layer.tar"; outside the archive means nothing.
                string target = entry.LinkName.StartsWith('/') ? "" : Clean(Path.Combine(Path.GetDirectoryName(name) ?? "", entry.LinkName));
                _links[name] = target;
                _files.Remove(name);
                break;
            case TarEntryType.HardLink:
                if (_files.TryGetValue(Clean(entry.LinkName), out string? same)) _files[name] = same;
                break;
        }
    }

    /// <summary>An archive member name as a clean relative path ("./a//b" is "a/b"); ".." above the top is "".</summary>
    private static string Clean(string name)
    {
        try { return string.Join('/', LayerUnpacker.CleanName(name.TrimStart('/'))); }
        catch (MyDockerException) { return ""; }
    }

    /// <summary>The extracted file of an archive member, following the archive's own symlinks.</summary>
    private string? FileOf(string name)
    {
        name = Clean(name);
        for (int hops = 0; hops < MaxLinkHops && _links.TryGetValue(name, out string? target); hops++) name = target;
        return _files.GetValueOrDefault(name);
    }

    private byte[] ReadJson(string name, string what)
    {
        string file = FileOf(name) ?? throw new MyDockerException($"the archive has no {what} {MessageText.Quote(name)}");
        if (new FileInfo(file).Length > MaxJsonBytes) throw new MyDockerException($"the archive's {what} {MessageText.Quote(name)} is larger than 16 MiB");
        return File.ReadAllBytes(file);
    }

    private List<LoadedImage> ReadImages(LayerStore layers)
    {
        var images = new List<LoadedImage>();
        // One ingest per archive member: images of one archive share their base layers.
        var ingested = new Dictionary<string, PendingLayer>(StringComparer.Ordinal);
        try
        {
            foreach (var (configName, layerNames, tags) in Manifest())
            {
                byte[] configBytes = ReadJson(configName, "image config");
                var config = ImageConfigJson.Parse(configBytes, $"image config {configName}");
                if (config.DiffIds.Count != layerNames.Count)
                    throw new MyDockerException($"image config {configName} lists {config.DiffIds.Count} layers (rootfs.diff_ids), its manifest {layerNames.Count}");
                var imageLayers = new List<PendingLayer>();
                for (int i = 0; i < layerNames.Count; i++)
                {
                    string file = FileOf(layerNames[i]) ?? throw new MyDockerException($"the archive has no layer {MessageText.Quote(layerNames[i])}");
                    if (!ingested.TryGetValue(file, out var layer))
                    {
                        using var stream = File.OpenRead(file);
                        layer = layers.Ingest(stream, $"layer {layerNames[i]}");
                        ingested[file] = layer;
                    }
                    if (layer.DiffId != config.DiffIds[i])
                        throw new MyDockerException($"layer {layerNames[i]}: its content is {layer.DiffId}, the image config says {config.DiffIds[i]}");
                    imageLayers.Add(layer);
                }
                images.Add(new LoadedImage(configBytes, config, imageLayers, tags));
            }
            return images;
        }
        catch
        {
            foreach (var layer in ingested.Values) layer.Dispose();
            throw;
        }
    }

    /// <summary>(config, layers bottom first, tags) of each image: from manifest.json, else from the OCI index.json.</summary>
    private List<(string Config, List<string> Layers, List<string> Tags)> Manifest()
    {
        if (FileOf("manifest.json") != null) return DockerManifest();
        if (FileOf("index.json") != null) return OciIndex();
        throw new MyDockerException("the archive has neither manifest.json nor index.json: not a docker save archive");
    }

    private List<(string, List<string>, List<string>)> DockerManifest()
    {
        var result = new List<(string, List<string>, List<string>)>();
        try
        {
            using var doc = JsonDocument.Parse(ReadJson("manifest.json", "manifest"));
            if (doc.RootElement.ValueKind != JsonValueKind.Array) throw new MyDockerException("manifest.json: not a JSON array");
            foreach (var item in doc.RootElement.EnumerateArray())
            {
                string config = item.ValueKind == JsonValueKind.Object && item.TryGetProperty("Config", out var c) && c.ValueKind == JsonValueKind.String
                    ? c.GetString()! : throw new MyDockerException("manifest.json: an entry without \"Config\"");
                result.Add((config, Strings(item, "Layers"), Strings(item, "RepoTags")));
            }
        }
        catch (JsonException e)
        {
            throw new MyDockerException($"manifest.json: not valid JSON: {e.Message}");
        }
        return result;
    }

    private static List<string> Strings(JsonElement o, string name) =>
        o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array
            ? v.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToList()
            : [];

    private List<(string, List<string>, List<string>)> OciIndex()
    {
        var result = new List<(string, List<string>, List<string>)>();
        try
        {
            using var index = JsonDocument.Parse(ReadJson("index.json", "index"));
            foreach (var descriptor in Manifests(index.RootElement))
            {
                string? tag = TagOf(descriptor);
                var manifest = Blob(descriptor, "manifest");
                // A multi-platform index: this machine's platform, else the first.
                if (manifest.TryGetProperty("manifests", out _))
                    manifest = Blob(PickPlatform(Manifests(manifest)), "manifest");
                string config = BlobName(manifest.GetProperty("config"));
                var layers = manifest.TryGetProperty("layers", out var l) && l.ValueKind == JsonValueKind.Array
                    ? l.EnumerateArray().Select(BlobName).ToList() : [];
                result.Add((config, layers, tag == null ? [] : [tag]));
            }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new MyDockerException($"index.json: not a valid OCI image index: {e.Message}");
        }
        return result;
    }

    /// <summary>
    /// The image name of an index entry: containerd's annotation holds the full name; the OCI one is
    /// often only a tag ("latest"), which names no image.
    /// </summary>
    private static string? TagOf(JsonElement descriptor)
    {
        if (!descriptor.TryGetProperty("annotations", out var a) || a.ValueKind != JsonValueKind.Object) return null;
        if (a.TryGetProperty("io.containerd.image.name", out var full) && full.ValueKind == JsonValueKind.String)
            return ImageReference.NormalizeTag(full.GetString()!);
        if (a.TryGetProperty("org.opencontainers.image.ref.name", out var refName) && refName.ValueKind == JsonValueKind.String &&
            refName.GetString()!.IndexOfAny([':', '/']) >= 0)
            return ImageReference.NormalizeTag(refName.GetString()!);
        return null;
    }

    private static List<JsonElement> Manifests(JsonElement index) =>
        index.TryGetProperty("manifests", out var m) && m.ValueKind == JsonValueKind.Array ? m.EnumerateArray().ToList() : [];

    private static JsonElement PickPlatform(List<JsonElement> descriptors)
    {
        foreach (var d in descriptors)
            if (d.TryGetProperty("platform", out var p) && p.TryGetProperty("architecture", out var arch) &&
                arch.GetString() == ImageConfigJson.HostArchitecture)
                return d;
        return descriptors.Count > 0 ? descriptors[0] : throw new MyDockerException("index.json: an index without manifests");
    }

    // Parsed JSON blobs live as long as this archive object; they are small.
    private readonly List<JsonDocument> _documents = new();

    private JsonElement Blob(JsonElement descriptor, string what)
    {
        var doc = JsonDocument.Parse(ReadJson(BlobName(descriptor), what));
        _documents.Add(doc);
        return doc.RootElement;
    }

    private static string BlobName(JsonElement descriptor)
    {
        string digest = descriptor.GetProperty("digest").GetString() ?? "";
        if (!ImageConfigJson.IsDigest(digest)) throw new MyDockerException($"index.json: digest {MessageText.Quote(digest)} is not sha256:<64 hex>");
        return "blobs/sha256/" + digest[7..];
    }

    public void Dispose()
    {
        foreach (var doc in _documents) doc.Dispose();
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }
}
