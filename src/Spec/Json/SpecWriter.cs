using System.Buffers;
using System.Text;
using System.Text.Json;
using MyDocker.Spec.Model;

namespace MyDocker.Spec.Json;

/// <summary>
/// Writes the spec model as JSON by hand, property by property, with Utf8JsonWriter. The bytes are the
/// ones System.Text.Json's serializer wrote with SpecJsonContext (tests/MyDocker.Tests/Golden/spec-writer/
/// hold its output; text-config differs only in escaping, see JsonTextEncoder): camelCase names,
/// properties in declaration order, an unset (null) property left out, false, 0 and empty lists
/// written, dictionary entries in the dictionary's order. Doing it by hand keeps
/// the serializer's type metadata, and the start-up time it costs, out of the binary.
///
/// One method per model class, named Write and overloaded on the class; the files follow the model's:
/// SpecWriter.Config.cs (config.md), SpecWriter.Linux.cs (config-linux.md), SpecWriter.Resources.cs
/// (config-linux.md "Control groups"), SpecWriter.Features.cs (features.md); state (runtime.md) is here.
/// </summary>
internal static partial class SpecWriter
{
    // Non-ASCII text (annotations, paths) is written as it is, not as \uXXXX (see JsonTextEncoder).
    private static readonly JsonWriterOptions IndentedOptions = new() { Indented = true, Encoder = JsonTextEncoder.Instance };
    private static readonly JsonWriterOptions CompactOptions = new() { Indented = false, Encoder = JsonTextEncoder.Instance };

    // ---- entry points: the whole document as text, indented with 2 spaces or on one line, no trailing newline ----

    internal static string Serialize(Config config, bool indented)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = NewWriter(buffer, indented)) Write(w, config);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    internal static string Serialize(State state, bool indented)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = NewWriter(buffer, indented)) Write(w, state);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    internal static string Serialize(Process process, bool indented)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = NewWriter(buffer, indented)) Write(w, process);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    internal static string Serialize(Features features, bool indented)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = NewWriter(buffer, indented)) Write(w, features);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    internal static string Serialize(Resources resources, bool indented)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = NewWriter(buffer, indented)) Write(w, resources);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static Utf8JsonWriter NewWriter(IBufferWriter<byte> buffer, bool indented) =>
        new(buffer, indented ? IndentedOptions : CompactOptions);

    // ---- runtime.md "State" ----

    internal static void Write(Utf8JsonWriter w, State state)
    {
        w.WriteStartObject();
        String(w, "ociVersion", state.OciVersion);
        String(w, "id", state.Id);
        String(w, "status", state.Status);
        w.WriteNumber("pid", state.Pid);
        String(w, "bundle", state.Bundle);
        Map(w, "annotations", state.Annotations);
        w.WriteEndObject();
    }

    // ---- optional properties: written when set, left out when null (the serializer's WhenWritingNull) ----

    private static void String(Utf8JsonWriter w, string name, string? value)
    {
        if (value != null) w.WriteString(name, value);
    }

    private static void Bool(Utf8JsonWriter w, string name, bool? value)
    {
        if (value is bool v) w.WriteBoolean(name, v);
    }

    private static void Number(Utf8JsonWriter w, string name, int? value)
    {
        if (value is int v) w.WriteNumber(name, v);
    }

    private static void Number(Utf8JsonWriter w, string name, uint? value)
    {
        if (value is uint v) w.WriteNumber(name, v);
    }

    private static void Number(Utf8JsonWriter w, string name, long? value)
    {
        if (value is long v) w.WriteNumber(name, v);
    }

    private static void Number(Utf8JsonWriter w, string name, ulong? value)
    {
        if (value is ulong v) w.WriteNumber(name, v);
    }

    private static void Number(Utf8JsonWriter w, string name, ushort? value)
    {
        if (value is ushort v) w.WriteNumber(name, (uint)v);
    }

    /// <summary>A list of strings; a null entry is written as null, as the serializer did.</summary>
    private static void Strings(Utf8JsonWriter w, string name, List<string>? values)
    {
        if (values == null) return;
        w.WriteStartArray(name);
        foreach (string value in values) w.WriteStringValue(value);
        w.WriteEndArray();
    }

    private static void Numbers(Utf8JsonWriter w, string name, List<uint>? values)
    {
        if (values == null) return;
        w.WriteStartArray(name);
        foreach (uint value in values) w.WriteNumberValue(value);
        w.WriteEndArray();
    }

    /// <summary>A string-to-string map (annotations, sysctl, unified), keys in the dictionary's order, as they are.</summary>
    private static void Map(Utf8JsonWriter w, string name, Dictionary<string, string>? map)
    {
        if (map == null) return;
        w.WriteStartObject(name);
        foreach (var (key, value) in map) w.WriteString(key, value); // a null value is written as null
        w.WriteEndObject();
    }
}
