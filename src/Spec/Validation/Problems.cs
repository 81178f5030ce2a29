using MyDocker.Spec.Json;

namespace MyDocker.Spec.Validation;

/// <summary>Collects "&lt;json path&gt;: &lt;problem&gt;" lines, in the order the rules find them.</summary>
internal sealed class Problems
{
    private readonly List<string> _lines = [];

    public IReadOnlyList<string> Lines => _lines;

    public void Add(string path, string problem) => _lines.Add(path.Length == 0 ? problem : $"{path}: {problem}");

    // ---- small checks that many rules share ----

    /// <summary>Each entry of an optional list with its path; a null entry is a problem, not a crash.</summary>
    public IEnumerable<(T Item, string Path, int Index)> Each<T>(IReadOnlyList<T?>? list, string path) where T : class
    {
        if (list is null) yield break;
        for (int i = 0; i < list.Count; i++)
        {
            string at = JsonPath.Index(path, i);
            if (list[i] is { } item) yield return (item, at, i);
            else Add(at, "must not be null");
        }
    }

    public void NotEmpty(string? value, string path)
    {
        if (string.IsNullOrEmpty(value)) Add(path, "must not be empty");
    }

    /// <summary>Required, and absolute ("/..."): "must not be empty" or "must be an absolute path, got "x"".</summary>
    public void AbsolutePath(string? value, string path)
    {
        if (string.IsNullOrEmpty(value)) Add(path, "must not be empty");
        else if (!value.StartsWith('/')) Add(path, $"must be an absolute path, got {Quote(value)}");
    }

    /// <summary>environ(7) entries: KEY=value, KEY not empty.</summary>
    public void Environment(IReadOnlyList<string?>? env, string path)
    {
        foreach (var (entry, at, _) in Each(env, path))
            if (entry.IndexOf('=') <= 0) Add(at, $"{Quote(entry)} is not of the form KEY=value");
    }

    /// <summary>value must be one of names: "unknown &lt;what&gt; "x" (expected one of a, b, c)".</summary>
    public void OneOf(string value, IReadOnlyList<string> names, string path, string what)
    {
        if (value.Length == 0) Add(path, "must not be empty");
        else if (!names.Contains(value)) Add(path, $"unknown {what} {Quote(value)} (expected one of {string.Join(", ", names)})");
    }

    public static string Quote(string value) => MessageText.Quote(value);
}
