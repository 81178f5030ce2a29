using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using MyDocker.Spec;

namespace MyDocker.Engine.Images;

/// <summary>What the store reads out of an image config document.</summary>
public sealed record ParsedImageConfig(DateTime Created, ImageConfig Config, List<string> DiffIds, string Architecture, string Os);

/// <summary>
/// The image config document (Docker image spec v1 / OCI image config):
/// {"architecture","os","created","config":{Env,Cmd,...},"rootfs":{"type":"layers","diff_ids":[...]},"history":[...]}.
/// The store keeps these bytes exactly as loaded, since the image ID is their sha256; this class only
/// reads fields out of them (JsonDocument, no reflection) and writes the one `docker import` makes.
/// </summary>
public static class ImageConfigJson
{
    public static ParsedImageConfig Parse(byte[] bytes, string what)
    {
        try
        {
            using var doc = JsonDocument.Parse(bytes);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new MyDockerException($"{what}: not a JSON object");
            var diffIds = new List<string>();
            if (root.TryGetProperty("rootfs", out var rootfs) && rootfs.ValueKind == JsonValueKind.Object &&
                rootfs.TryGetProperty("diff_ids", out var ids) && ids.ValueKind == JsonValueKind.Array)
            {
                foreach (var id in ids.EnumerateArray())
                {
                    string s = id.ValueKind == JsonValueKind.String ? id.GetString()! : "";
                    if (!IsDigest(s)) throw new MyDockerException($"{what}: rootfs.diff_ids: {MessageText.Quote(s)} is not sha256:<64 hex>");
                    diffIds.Add(s);
                }
            }
            var config = root.TryGetProperty("config", out var c) && c.ValueKind == JsonValueKind.Object
                ? ReadConfig(c) : new ImageConfig();
            return new ParsedImageConfig(ReadTime(root, "created"), config, diffIds,
                ReadString(root, "architecture") ?? "", ReadString(root, "os") ?? "");
        }
        catch (JsonException e)
        {
            throw new MyDockerException($"{what}: not valid JSON: {e.Message}");
        }
    }

    /// <summary>True for "sha256:" and 64 lower-case hex digits.</summary>
    public static bool IsDigest(string s) => s.Length == 71 && s.StartsWith("sha256:", StringComparison.Ordinal) &&
        ImageReference.IdHex(s, 64) != null;

    private static ImageConfig ReadConfig(JsonElement c) => new()
    {
        Env = ReadStrings(c, "Env"),
        Cmd = ReadStrings(c, "Cmd"),
        Entrypoint = ReadStrings(c, "Entrypoint"),
        WorkingDir = ReadString(c, "WorkingDir"),
        User = ReadString(c, "User"),
        Labels = ReadLabels(c),
        ExposedPorts = ReadKeys(c, "ExposedPorts"),
        Volumes = ReadKeys(c, "Volumes"),
        StopSignal = ReadString(c, "StopSignal"),
    };

    private static string? ReadString(JsonElement o, string name) =>
        o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static List<string>? ReadStrings(JsonElement o, string name)
    {
        if (!o.TryGetProperty(name, out var v)) return null;
        if (v.ValueKind == JsonValueKind.String) return [v.GetString()!]; // old images: "Cmd": "sh"
        if (v.ValueKind != JsonValueKind.Array) return null;
        return v.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToList();
    }

    private static List<string>? ReadKeys(JsonElement o, string name) =>
        o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object
            ? v.EnumerateObject().Select(p => p.Name).ToList() : null;

    private static Dictionary<string, string>? ReadLabels(JsonElement o)
    {
        if (!o.TryGetProperty("Labels", out var v) || v.ValueKind != JsonValueKind.Object) return null;
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in v.EnumerateObject())
            if (p.Value.ValueKind == JsonValueKind.String) labels[p.Name] = p.Value.GetString()!;
        return labels;
    }

    private static DateTime ReadTime(JsonElement o, string name) =>
        ReadString(o, name) is { } s && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal, out var t) ? t.UtcDateTime : DateTime.UnixEpoch;

    /// <summary>Docker's name of this machine's architecture ("amd64", "arm64").</summary>
    public static string HostArchitecture => RuntimeInformation.OSArchitecture switch
    {
        Architecture.X64 => "amd64",
        Architecture.Arm64 => "arm64",
        Architecture.X86 => "386",
        Architecture.Arm => "arm",
        var other => other.ToString().ToLowerInvariant(),
    };

    /// <summary>Docker's RFC 3339 form with nanoseconds: "2024-05-01T12:00:00.123456789Z".</summary>
    public static string FormatTime(DateTime utc) =>
        utc.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff", CultureInfo.InvariantCulture) + "00Z";

    /// <summary>The config `docker import` writes: one layer, the config from the --change lines.</summary>
    public static byte[] BuildImport(ImageConfig config, string diffId, DateTime created, string comment)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("architecture", HostArchitecture);
            w.WriteString("os", "linux");
            w.WriteString("created", FormatTime(created));
            w.WriteStartObject("config");
            WriteConfig(w, config);
            w.WriteEndObject();
            w.WriteStartObject("rootfs");
            w.WriteString("type", "layers");
            w.WriteStartArray("diff_ids");
            w.WriteStringValue(diffId);
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteStartArray("history");
            w.WriteStartObject();
            w.WriteString("created", FormatTime(created));
            w.WriteString("comment", comment);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>The fields of an ImageConfig in Docker's names; absent (null) fields are left out.</summary>
    public static void WriteConfig(Utf8JsonWriter w, ImageConfig c)
    {
        WriteStrings(w, "Env", c.Env);
        WriteStrings(w, "Cmd", c.Cmd);
        WriteStrings(w, "Entrypoint", c.Entrypoint);
        if (c.WorkingDir != null) w.WriteString("WorkingDir", c.WorkingDir);
        if (c.User != null) w.WriteString("User", c.User);
        if (c.Labels != null)
        {
            w.WriteStartObject("Labels");
            foreach (var (k, v) in c.Labels) w.WriteString(k, v);
            w.WriteEndObject();
        }
        WriteKeys(w, "ExposedPorts", c.ExposedPorts);
        WriteKeys(w, "Volumes", c.Volumes);
        if (c.StopSignal != null) w.WriteString("StopSignal", c.StopSignal);
    }

    private static void WriteStrings(Utf8JsonWriter w, string name, List<string>? values)
    {
        if (values == null) return;
        w.WriteStartArray(name);
        foreach (string v in values) w.WriteStringValue(v);
        w.WriteEndArray();
    }

    private static void WriteKeys(Utf8JsonWriter w, string name, List<string>? keys)
    {
        if (keys == null) return;
        w.WriteStartObject(name);
        foreach (string k in keys) { w.WriteStartObject(k); w.WriteEndObject(); }
        w.WriteEndObject();
    }
}
