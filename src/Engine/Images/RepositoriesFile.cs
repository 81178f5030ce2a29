using System.Text.Json;
using MyDocker.Runtime.State;
using MyDocker.Spec;

namespace MyDocker.Engine.Images;

/// <summary>
/// image/repositories.json: every tag and the image it names, in Docker's shape
/// {"Repositories":{"busybox":{"busybox:latest":"sha256:..."}}}. One file for all tags, replaced whole
/// (temp file + rename), so a crash leaves the old tags or the new ones.
/// </summary>
public static class RepositoriesFile
{
    public static SortedDictionary<string, string> Read(string path)
    {
        var tags = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (!File.Exists(path)) return tags;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            if (doc.RootElement.ValueKind != JsonValueKind.Object ||
                !doc.RootElement.TryGetProperty("Repositories", out var repositories) ||
                repositories.ValueKind != JsonValueKind.Object)
                return tags;
            foreach (var repository in repositories.EnumerateObject())
            {
                if (repository.Value.ValueKind != JsonValueKind.Object) continue;
                foreach (var tag in repository.Value.EnumerateObject())
                    if (tag.Value.ValueKind == JsonValueKind.String) tags[tag.Name] = tag.Value.GetString()!;
            }
        }
        catch (JsonException e)
        {
            throw new MyDockerException($"{path}: not valid JSON: {e.Message}");
        }
        return tags;
    }

    public static void Write(string path, SortedDictionary<string, string> tags)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteStartObject("Repositories");
            foreach (var repository in tags.GroupBy(t => RepositoryOf(t.Key)))
            {
                w.WriteStartObject(repository.Key);
                foreach (var (tag, id) in repository) w.WriteString(tag, id);
                w.WriteEndObject();
            }
            w.WriteEndObject();
            w.WriteEndObject();
        }
        AtomicFile.Write(path, buffer.ToArray());
    }

    /// <summary>"busybox" of "busybox:latest" (and "localhost:5000/x" of "localhost:5000/x:1").</summary>
    public static string RepositoryOf(string tag) => tag[..tag.LastIndexOf(':')];
}
