using System.Text.Json;

namespace MyDocker.Spec.Json;

/// <summary>
/// One JSON object of a spec document, read field by field into the model. Each getter names
/// what the field must be, so a mistake becomes one line with the field's path:
///   "process.args: expected an array of strings", "root.path: is required".
/// The rules are those of the spec's JSON schema as System.Text.Json applied them before:
///   - a missing optional field keeps the model's default; unknown fields are ignored;
///   - JSON null means "not set" only where the model's field is nullable;
///   - a null inside an array or map is an error (the spec has no nullable entries);
///   - a field given twice: the last one counts.
/// </summary>
internal readonly struct JsonObjectReader
{
    private readonly JsonElement _object;

    private JsonObjectReader(JsonElement element, string path)
    {
        _object = element;
        Path = path;
    }

    /// <summary>The object's own path ("" for the document itself).</summary>
    public string Path { get; }

    public static JsonObjectReader Open(JsonElement element, string path) =>
        element.ValueKind == JsonValueKind.Object ? new(element, path) : throw JsonKinds.Expected(path, "an object");

    /// <summary>A field that must be present and not null.</summary>
    public T Required<T>(string name, JsonKind<T> kind) =>
        Find(name, out var value) ? kind.Read(value, At(name)) : throw new JsonShapeException(At(name), "is required");

    /// <summary>A field whose model type is not nullable: missing keeps <paramref name="fallback"/>, null is an error.</summary>
    public T Value<T>(string name, JsonKind<T> kind, T fallback) =>
        Find(name, out var value) ? kind.Read(value, At(name)) : fallback;

    /// <summary>A nullable reference field (string?, an object): missing or null is null.</summary>
    public T? Optional<T>(string name, JsonKind<T> kind) where T : class =>
        FindNotNull(name, out var value) ? kind.Read(value, At(name)) : null;

    /// <summary>A nullable number or boolean (int?, bool?): missing or null is null.</summary>
    public T? Nullable<T>(string name, JsonKind<T> kind) where T : struct =>
        FindNotNull(name, out var value) ? kind.Read(value, At(name)) : null;

    /// <summary>An optional array (List&lt;T&gt;?): missing or null is null; every entry must be a <paramref name="kind"/>.</summary>
    public List<T>? List<T>(string name, JsonKind<T> kind) =>
        FindNotNull(name, out var value) ? ReadList(value, At(name), kind) : null;

    /// <summary>An array that must be present and not null.</summary>
    public List<T> RequiredList<T>(string name, JsonKind<T> kind) =>
        Find(name, out var value) ? ReadList(value, At(name), kind) : throw new JsonShapeException(At(name), "is required");

    /// <summary>An optional object used as a map (annotations, sysctl): every value must be a <paramref name="kind"/>.</summary>
    public Dictionary<string, T>? Map<T>(string name, JsonKind<T> kind)
    {
        if (!FindNotNull(name, out var value)) return null;
        string path = At(name);
        if (value.ValueKind != JsonValueKind.Object)
            throw JsonKinds.Expected(path, "an object whose values are " + kind.Many);
        var map = new Dictionary<string, T>();
        foreach (var property in value.EnumerateObject())
            map[property.Name] = kind.Read(property.Value, JsonPath.Property(path, property.Name));
        return map;
    }

    private static List<T> ReadList<T>(JsonElement value, string path, JsonKind<T> kind)
    {
        if (value.ValueKind != JsonValueKind.Array)
            throw JsonKinds.Expected(path, "an array of " + kind.Many);
        var list = new List<T>(value.GetArrayLength());
        int i = 0;
        foreach (var item in value.EnumerateArray())
            list.Add(kind.Read(item, JsonPath.Index(path, i++)));
        return list;
    }

    private string At(string name) => JsonPath.Property(Path, name);

    // TryGetProperty finds the last of duplicate names, as the serializer kept the last value.
    private bool Find(string name, out JsonElement value) => _object.TryGetProperty(name, out value);

    private bool FindNotNull(string name, out JsonElement value) =>
        _object.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;
}
