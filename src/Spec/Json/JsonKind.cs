using System.Text.Json;

namespace MyDocker.Spec.Json;

/// <summary>
/// One kind of JSON value the spec documents use (a string, a boolean, an unsigned 32-bit integer,
/// a mount object ...): how to read it from a <see cref="JsonElement"/>, and how to name it in a
/// message, alone ("a string") and in a list ("strings": "expected an array of strings").
///
/// The spec documents are read by hand with these instead of JsonSerializer: the serializer's
/// per-type metadata made every `mydocker` process start ~1 ms slower (docs/PERFORMANCE.md).
/// </summary>
internal sealed class JsonKind<T>
{
    private readonly Func<JsonElement, string, T> _read;

    public JsonKind(string one, string many, Func<JsonElement, string, T> read)
    {
        One = one;
        Many = many;
        _read = read;
    }

    /// <summary>"a string", "an object", "an integer from 0 to 255".</summary>
    public string One { get; }

    /// <summary>The plural, for lists and maps: "strings", "objects".</summary>
    public string Many { get; }

    /// <summary>Reads the value at <paramref name="path"/>; a JSON null or another type is a <see cref="JsonShapeException"/>.</summary>
    public T Read(JsonElement element, string path) => _read(element, path);
}

/// <summary>The scalar kinds (named for the JSON they accept: Text, Bool, U32 = unsigned 32-bit ...), and objects read by a given function.</summary>
internal static class JsonKinds
{
    public static readonly JsonKind<string> Text = new("a string", "strings",
        (e, path) => e.ValueKind == JsonValueKind.String ? e.GetString()! : throw Expected(path, "a string"));

    public static readonly JsonKind<bool> Bool = new("a boolean", "booleans", (e, path) => e.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw Expected(path, "a boolean"),
    });

    public static readonly JsonKind<ushort> U16 = Integer<ushort>("an integer from 0 to 65535", "integers from 0 to 65535",
        (JsonElement e, out ushort v) => e.TryGetUInt16(out v));

    public static readonly JsonKind<int> I32 = Integer<int>("an integer from -2147483648 to 2147483647", "integers from -2147483648 to 2147483647",
        (JsonElement e, out int v) => e.TryGetInt32(out v));

    public static readonly JsonKind<uint> U32 = Integer<uint>("an integer from 0 to 4294967295", "integers from 0 to 4294967295",
        (JsonElement e, out uint v) => e.TryGetUInt32(out v));

    public static readonly JsonKind<long> I64 = Integer<long>("a 64-bit integer", "64-bit integers",
        (JsonElement e, out long v) => e.TryGetInt64(out v));

    public static readonly JsonKind<ulong> U64 = Integer<ulong>("an integer from 0 to 18446744073709551615", "integers from 0 to 18446744073709551615",
        (JsonElement e, out ulong v) => e.TryGetUInt64(out v));

    /// <summary>Any JSON value except null, kept as it is (for fields MyDocker only passes on or refuses).</summary>
    public static readonly JsonKind<JsonElement> Any = new("a JSON value", "JSON values",
        (e, path) => e.ValueKind != JsonValueKind.Null ? e.Clone() : throw Expected(path, "a JSON value"));

    /// <summary>An object, read field by field by <paramref name="read"/>.</summary>
    public static JsonKind<T> Object<T>(Func<JsonObjectReader, T> read) =>
        new("an object", "objects", (e, path) => read(JsonObjectReader.Open(e, path)));

    public static JsonShapeException Expected(string path, string what) => new(path, "expected " + what);

    private delegate bool TryGet<TValue>(JsonElement element, out TValue value);

    // A number that is not an integer, or out of the type's range, is the same mistake for a person.
    private static JsonKind<TValue> Integer<TValue>(string one, string many, TryGet<TValue> tryGet) =>
        new(one, many, (e, path) => e.ValueKind == JsonValueKind.Number && tryGet(e, out var v) ? v : throw Expected(path, one));
}

/// <summary>A value of the wrong shape at a path of the document, e.g. ("process.args", "expected an array of strings").</summary>
internal sealed class JsonShapeException(string path, string problem)
    : Exception(path.Length == 0 ? problem : $"{path}: {problem}");
