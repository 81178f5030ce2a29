using System.Collections;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace MyDocker.Spec.Json;

/// <summary>
/// Deserializes a spec document and turns what goes wrong into one line for a person:
///   "config.json: invalid JSON at line 3, column 5: &lt;reason&gt;"
///   "config.json: process.args: expected an array of strings"
///   "config.json: process.cwd: is required"
/// The expected type is read from the source-generated metadata (JsonTypeInfo), never from exception
/// texts, which NativeAOT builds with UseSystemResourceKeys shrink to resource keys.
/// </summary>
internal static class JsonReading
{
    public static T Read<T>(string json, JsonTypeInfo<T> typeInfo, string documentName) where T : class
    {
        if (json.Length > 0 && json[0] == '\uFEFF') json = json[1..]; // a UTF-8 byte order mark
        if (string.IsNullOrWhiteSpace(json))
            throw new MyDockerException($"{documentName}: is empty");

        var options = typeInfo.Options;
        JsonDocument document;
        try
        {
            // Syntax first, over the whole text, so a syntax error is never hidden behind a type error.
            document = JsonDocument.Parse(json, new JsonDocumentOptions
            {
                CommentHandling = options.ReadCommentHandling,
                AllowTrailingCommas = options.AllowTrailingCommas,
                MaxDepth = options.MaxDepth,
            });
        }
        catch (JsonException e)
        {
            throw new MyDockerException(SyntaxMessage(documentName, json, e), e);
        }

        using (document)
        {
            T? value;
            try
            {
                value = JsonSerializer.Deserialize(json, typeInfo);
            }
            catch (JsonException e)
            {
                throw new MyDockerException($"{documentName}: {TypeProblem(e.Path, document.RootElement, typeInfo)}", e);
            }
            if (value is null) // the text was the literal null
                throw new MyDockerException($"{documentName}: expected {Describe(typeInfo)}");

            // System.Text.Json lets null through inside arrays and objects-as-maps ("args": [null]).
            if (FindNullEntry(value, typeInfo, "") is var (path, expected))
                throw new MyDockerException($"{documentName}: {path}: expected {Describe(expected)}");
            return value;
        }
    }

    // ---- syntax errors ----

    internal static string SyntaxMessage(string documentName, string json, JsonException e)
    {
        long line = (e.LineNumber ?? 0) + 1;
        long column = (e.BytePositionInLine ?? 0) + 1;
        return $"{documentName}: invalid JSON at line {line}, column {column}: {SyntaxReason(e.Message, json, e.LineNumber ?? 0, e.BytePositionInLine ?? 0)}";
    }

    internal static string SyntaxReason(string? message, string json, long line, long bytePositionInLine)
    {
        string reason = message ?? "";
        int cut = reason.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut >= 0) reason = reason[..cut];
        reason = reason.Trim();
        // Two common mistakes whose English messages talk about reader internals.
        if (reason.Contains("trailing comma", StringComparison.OrdinalIgnoreCase) || reason.StartsWith("TrailingComma", StringComparison.Ordinal))
            return "a trailing comma is not allowed";
        if (reason.StartsWith("Expected depth to be zero", StringComparison.Ordinal))
            return "unexpected end of data (an object or array is not closed)";
        if (reason.Length == 0 || LooksLikeResourceKey(reason))
            return DescribePosition(json, line, bytePositionInLine);
        return reason.TrimEnd('.');
    }

    // With UseSystemResourceKeys (the NativeAOT binary) messages are "ResourceKey, arg, ...", not English.
    private static bool LooksLikeResourceKey(string message)
    {
        int i = 0;
        while (i < message.Length && (char.IsAsciiLetterOrDigit(message[i]) || message[i] == '_')) i++;
        return i > 0 && (i == message.Length || message[i] == ',');
    }

    /// <summary>A reason made from the text itself: what stands at the position the reader stopped at.</summary>
    internal static string DescribePosition(string json, long line, long bytePositionInLine)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(json);
        long offset = 0;
        for (long l = 0; l < line && offset < bytes.Length; offset++)
            if (bytes[offset] == (byte)'\n') l++;
        offset += bytePositionInLine;
        if (offset >= bytes.Length || IsBlank(bytes.AsSpan((int)offset)))
            return "unexpected end of data";
        // Back up to the first byte of a UTF-8 sequence, then decode one character.
        while (offset > 0 && (bytes[offset] & 0xC0) == 0x80) offset--;
        int length = Math.Min(4, bytes.Length - (int)offset);
        string text = Encoding.UTF8.GetString(bytes, (int)offset, length);
        var rune = Rune.GetRuneAt(text, 0);
        return Rune.IsControl(rune) ? $"unexpected character U+{rune.Value:X4}" : $"unexpected character '{rune}'";
    }

    private static bool IsBlank(ReadOnlySpan<byte> rest)
    {
        foreach (byte b in rest)
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')) return false;
        return true;
    }

    // ---- type errors ----

    internal static string TypeProblem(string? stjPath, JsonElement root, JsonTypeInfo rootType)
    {
        string path = JsonPath.FromJsonException(stjPath);
        var segments = JsonPath.Parse(path);
        var expected = segments is null ? null : TypeAt(rootType, segments);
        var element = segments is null ? null : ElementAt(root, segments);
        string prefix = path.Length == 0 ? "" : path + ": ";
        if (expected is null)
            return prefix + "has an invalid value";

        // An object where an object belongs: what failed is a required property that is missing.
        if (expected.Kind == JsonTypeInfoKind.Object && element is { ValueKind: JsonValueKind.Object } obj)
        {
            foreach (var property in expected.Properties)
                if (property.IsRequired && !obj.TryGetProperty(property.Name, out _))
                    return $"{JsonPath.Property(path, property.Name)}: is required";
        }
        return prefix + "expected " + Describe(expected);
    }

    private static JsonTypeInfo? TypeAt(JsonTypeInfo type, List<JsonPath.Segment> segments)
    {
        JsonTypeInfo? current = type;
        foreach (var segment in segments)
        {
            Type? next = null;
            if (current!.Kind == JsonTypeInfoKind.Object && !segment.IsIndex)
                next = current.Properties.FirstOrDefault(p => p.Name == segment.Name)?.PropertyType;
            else if (current.Kind == JsonTypeInfoKind.Dictionary && !segment.IsIndex)
                next = current.ElementType;
            else if (current.Kind == JsonTypeInfoKind.Enumerable && segment.IsIndex)
                next = current.ElementType;
            if (next is null) return null;
            current = TypeInfo(current.Options, next);
            if (current is null) return null;
        }
        return current;
    }

    private static JsonElement? ElementAt(JsonElement root, List<JsonPath.Segment> segments)
    {
        JsonElement current = root;
        foreach (var segment in segments)
        {
            if (segment.IsIndex)
            {
                if (current.ValueKind != JsonValueKind.Array || segment.Index >= current.GetArrayLength()) return null;
                current = current[segment.Index];
            }
            else if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(segment.Name!, out current))
            {
                return null;
            }
        }
        return current;
    }

    // From the options' cache: asking the resolver builds the metadata afresh every time, which
    // cost ~4 ms per create (measured in docs/PERFORMANCE.md).
    private static JsonTypeInfo? TypeInfo(JsonSerializerOptions options, Type type) =>
        options.TryGetTypeInfo(type, out var info) ? info : null;

    // ---- null entries in arrays and maps ----

    private static (string Path, JsonTypeInfo Expected)? FindNullEntry(object value, JsonTypeInfo type, string path)
    {
        switch (type.Kind)
        {
            case JsonTypeInfoKind.Object:
                foreach (var property in type.Properties)
                {
                    if (property.Get is null || property.Get(value) is not { } child) continue;
                    if (TypeInfo(type.Options, property.PropertyType) is not { } childType) continue;
                    if (FindNullEntry(child, childType, JsonPath.Property(path, property.Name)) is { } found) return found;
                }
                return null;
            case JsonTypeInfoKind.Enumerable when value is IList list && type.ElementType is { } elementType:
                var elementInfo = TypeInfo(type.Options, elementType);
                if (elementInfo is null) return null;
                for (int i = 0; i < list.Count; i++)
                {
                    string at = JsonPath.Index(path, i);
                    if (list[i] is not { } item) return (at, elementInfo);
                    if (FindNullEntry(item, elementInfo, at) is { } found) return found;
                }
                return null;
            case JsonTypeInfoKind.Dictionary when value is IDictionary map && type.ElementType is { } valueType:
                var valueInfo = TypeInfo(type.Options, valueType);
                if (valueInfo is null) return null;
                foreach (DictionaryEntry entry in map)
                {
                    string at = JsonPath.Property(path, entry.Key.ToString() ?? "");
                    if (entry.Value is not { } item)
                    {
                        if (Nullable.GetUnderlyingType(valueType) is null) return (at, valueInfo);
                        continue;
                    }
                    if (FindNullEntry(item, valueInfo, at) is { } found) return found;
                }
                return null;
            default:
                return null;
        }
    }

    // ---- what a type looks like in JSON, for people ----

    internal static string Describe(JsonTypeInfo type) => Describe(type, plural: false);

    private static string Describe(JsonTypeInfo type, bool plural)
    {
        switch (type.Kind)
        {
            case JsonTypeInfoKind.Object:
                return plural ? "objects" : "an object";
            case JsonTypeInfoKind.Enumerable:
                return (plural ? "arrays of " : "an array of ") + Element(type);
            case JsonTypeInfoKind.Dictionary:
                return (plural ? "objects" : "an object") + " whose values are " + Element(type);
        }
        var t = Nullable.GetUnderlyingType(type.Type) ?? type.Type;
        (string one, string many) = t switch
        {
            _ when t == typeof(string) => ("a string", "strings"),
            _ when t == typeof(bool) => ("a boolean", "booleans"),
            _ when t == typeof(byte) => ("an integer from 0 to 255", "integers from 0 to 255"),
            _ when t == typeof(ushort) => ("an integer from 0 to 65535", "integers from 0 to 65535"),
            _ when t == typeof(uint) => ("an integer from 0 to 4294967295", "integers from 0 to 4294967295"),
            _ when t == typeof(ulong) => ("an integer from 0 to 18446744073709551615", "integers from 0 to 18446744073709551615"),
            _ when t == typeof(short) => ("an integer from -32768 to 32767", "integers from -32768 to 32767"),
            _ when t == typeof(int) => ("an integer from -2147483648 to 2147483647", "integers from -2147483648 to 2147483647"),
            _ when t == typeof(long) => ("a 64-bit integer", "64-bit integers"),
            _ when t == typeof(double) || t == typeof(float) => ("a number", "numbers"),
            _ when t == typeof(JsonElement) => ("a JSON value", "JSON values"),
            _ => ("a value of another type", "values of another type"),
        };
        return plural ? many : one;
    }

    private static string Element(JsonTypeInfo collection) =>
        collection.ElementType is { } e && TypeInfo(collection.Options, e) is { } info ? Describe(info, plural: true) : "values";
}
