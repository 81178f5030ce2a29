using System.Buffers;
using System.Text.Json;

namespace MyDocker.Runtime.State;

/// <summary>
/// state.json (a <see cref="ContainerRecord"/>) read with Utf8JsonReader and written with Utf8JsonWriter,
/// by hand: System.Text.Json's serializer would cost every invocation about 1 ms of type metadata at
/// start-up, and `state` does little else.
/// The format is the one the serializer wrote: camelCase names in declaration order, `created` in the
/// round-trip ISO 8601 form, null fields left out; strings escaped by the spec writer's JsonTextEncoder
/// (non-ASCII as UTF-8: the default encoder's table costs every verb about 0.1 ms to build). Reading
/// ignores unknown properties. Any problem is a <see cref="JsonException"/> whose message is one readable phrase.
/// </summary>
public static class ContainerRecordJson
{
    public static byte[] Write(ContainerRecord r)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = MyDocker.Spec.Json.JsonTextEncoder.Instance }))
        {
            w.WriteStartObject();
            w.WriteString("id", r.Id);
            w.WriteString("bundle", r.Bundle);
            w.WriteString("rootfs", r.Rootfs);
            w.WriteNumber("pid", r.Pid);
            w.WriteNumber("pidStartTime", r.PidStartTime);
            w.WriteString("created", r.Created);
            w.WriteNumber("owner", r.Owner);
            if (r.Annotations != null)
            {
                w.WriteStartObject("annotations");
                foreach (var (key, value) in r.Annotations) w.WriteString(key, value);
                w.WriteEndObject();
            }
            w.WriteBoolean("hasPoststartHooks", r.HasPoststartHooks);
            w.WriteBoolean("hasPoststopHooks", r.HasPoststopHooks);
            WriteStrings(w, "cgroupPaths", r.CgroupPaths);
            WriteStrings(w, "cgroupCreatedPaths", r.CgroupCreatedPaths);
            w.WriteBoolean("mountsInHostNamespace", r.MountsInHostNamespace);
            WriteStrings(w, "hostMountsBefore", r.HostMountsBefore);
            w.WriteBoolean("hasProcess", r.HasProcess);
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteStrings(Utf8JsonWriter w, string name, string[]? items)
    {
        if (items == null) return;
        w.WriteStartArray(name);
        foreach (string s in items) w.WriteStringValue(s);
        w.WriteEndArray();
    }

    public static ContainerRecord Read(ReadOnlySpan<byte> json) => Read(json, new ContainerRecord());

    /// <summary>
    /// For `delete --force` of a corrupt file: the fields read before the first problem (each one is
    /// set only once its whole value was read), nothing after it. Never throws.
    /// </summary>
    public static ContainerRecord Salvage(ReadOnlySpan<byte> json)
    {
        var r = new ContainerRecord();
        try { Read(json, r); }
        catch (JsonException) { }
        return r;
    }

    private static ContainerRecord Read(ReadOnlySpan<byte> json, ContainerRecord r)
    {
        if (json.StartsWith("\uFEFF"u8)) json = json[3..];
        if (json.Trim(" \t\r\n"u8).IsEmpty) throw new JsonException("the file is empty");
        var reader = new Utf8JsonReader(json);
        try
        {
            return ReadRecord(ref reader, r);
        }
        catch (JsonException e) when (e.LineNumber is long line && e.BytePositionInLine is long column)
        {
            // The reader's own messages are resource keys in this build (UseSystemResourceKeys): say what and where.
            throw new JsonException(IsCutShort(json)
                ? $"the JSON ends too early, after {json.Length} bytes (truncated?)"
                : $"invalid JSON at line {line + 1}, column {column + 1}");
        }
        catch (InvalidOperationException)
        {
            throw new JsonException("text that is not valid UTF-8");
        }
    }

    private static ContainerRecord ReadRecord(ref Utf8JsonReader reader, ContainerRecord r)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject) throw new JsonException("expected a JSON object");
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            string name = reader.GetString()!;
            Next(ref reader);
            switch (name)
            {
                case "id": r.Id = String(ref reader, name) ?? ""; break;
                case "bundle": r.Bundle = String(ref reader, name) ?? ""; break;
                case "rootfs": r.Rootfs = String(ref reader, name) ?? ""; break;
                // Never negative: kill(2) reads -1 and below as "every process" and process groups.
                case "pid": r.Pid = reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out int pid) && pid >= 0 ? pid : throw Expected(name, $"an integer from 0 to {int.MaxValue}"); break;
                case "pidStartTime": r.PidStartTime = reader.TokenType == JsonTokenType.Number && reader.TryGetUInt64(out ulong st) ? st : throw Expected(name, "an unsigned integer"); break;
                case "created": r.Created = reader.TokenType == JsonTokenType.String && reader.TryGetDateTime(out var created) ? created : throw Expected(name, "an ISO 8601 date and time"); break;
                case "owner": r.Owner = reader.TokenType == JsonTokenType.Number && reader.TryGetUInt32(out uint owner) ? owner : throw Expected(name, "an unsigned integer"); break;
                case "annotations": r.Annotations = Annotations(ref reader); break;
                case "hasPoststartHooks": r.HasPoststartHooks = Bool(ref reader, name); break;
                case "hasPoststopHooks": r.HasPoststopHooks = Bool(ref reader, name); break;
                case "cgroupPaths": r.CgroupPaths = Strings(ref reader, name); break;
                case "cgroupCreatedPaths": r.CgroupCreatedPaths = Strings(ref reader, name); break;
                case "mountsInHostNamespace": r.MountsInHostNamespace = Bool(ref reader, name); break;
                case "hostMountsBefore": r.HostMountsBefore = Strings(ref reader, name); break;
                case "hasProcess": r.HasProcess = Bool(ref reader, name); break;
                default: reader.Skip(); break;
            }
        }
        // Nothing may follow the object (the reader throws on anything but whitespace).
        if (reader.Read()) throw new JsonException("more than one JSON value");
        return r;
    }

    /// <summary>Reads the next token; running out of data inside the object is a truncated file.</summary>
    private static JsonTokenType Next(ref Utf8JsonReader reader) =>
        reader.Read() ? reader.TokenType : throw new JsonException("the JSON ends too early (truncated?)");

    private static JsonException Expected(string name, string what) => new($"{name}: expected {what}");

    private static string? String(ref Utf8JsonReader reader, string name, string what = "a string") => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString(),
        JsonTokenType.Null => null,
        _ => throw Expected(name, what),
    };

    private static bool Bool(ref Utf8JsonReader reader, string name) => reader.TokenType switch
    {
        JsonTokenType.True => true,
        JsonTokenType.False => false,
        _ => throw Expected(name, "true or false"),
    };

    private static string[]? Strings(ref Utf8JsonReader reader, string name)
    {
        if (reader.TokenType == JsonTokenType.Null) return null;
        if (reader.TokenType != JsonTokenType.StartArray) throw Expected(name, "an array of strings");
        var items = new List<string>();
        while (Next(ref reader) != JsonTokenType.EndArray)
            items.Add(String(ref reader, name, "an array of strings") ?? throw Expected(name, "an array of strings"));
        return items.ToArray();
    }

    private static Dictionary<string, string>? Annotations(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Null) return null;
        if (reader.TokenType != JsonTokenType.StartObject) throw Expected("annotations", "an object of strings");
        var map = new Dictionary<string, string>();
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            string key = reader.GetString()!;
            Next(ref reader);
            map[key] = String(ref reader, "annotations", "an object of strings") ?? throw Expected("annotations", "an object of strings");
        }
        return map;
    }

    /// <summary>Is the text a correct beginning of JSON that stops short? Then the file was cut (a full disk, a crash).</summary>
    private static bool IsCutShort(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, isFinalBlock: false, state: default);
        try
        {
            while (reader.Read()) { }
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
