using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace MyDocker.Tests.Support;

/// <summary>
/// The official OCI runtime-spec JSON schemas in schema/ (runtime-spec 1.0.2-dev, JSON Schema draft-04).
/// The files $ref each other by relative file name (defs.json#/definitions/...), so every file is
/// registered in one registry under &lt;Base&gt;&lt;file name&gt;, and relative refs resolve against that.
/// Base is a made-up https folder (never fetched: the registry has no Fetch): JsonSchema.Net 8 drops
/// the file name of file:// base URIs, which silently turns every cross-file $ref into a ref to the
/// folder (and so into a schema that accepts anything).
/// JsonSchema.Net has no draft-04 dialect; the files only use keywords that draft-04 and draft-06 share
/// (no "id", no boolean exclusiveMinimum), so they are built with draft-06 semantics under the draft-04 URI.
/// </summary>
public sealed class OciSchema
{
    private static readonly Uri Draft04 = new("http://json-schema.org/draft-04/schema#");
    private static readonly Uri Base = new("https://schema.mydocker.invalid/runtime-spec/");
    private static readonly Lazy<OciSchema> Instance = new(() => new OciSchema(RepoRoot.Combine("schema")));

    public static OciSchema Load() => Instance.Value;

    private readonly Dictionary<string, JsonSchema> _byFile = new();

    private OciSchema(string folder)
    {
        var draft04 = Dialect.Draft06.With([], Draft04, refIgnoresSiblingKeywords: true, allowUnknownKeywords: true);
        var dialects = new DialectRegistry();
        dialects.Register(draft04);
        // defs*.json have no $schema: they are built with the options' dialect.
        var options = new BuildOptions { SchemaRegistry = new SchemaRegistry(), DialectRegistry = dialects, Dialect = draft04 };
        // Referenced files first: building resolves $refs against what the registry already holds.
        string[] order =
        [
            "defs.json", "defs-linux.json", "defs-windows.json", "defs-vm.json", "defs-zos.json",
            "config-linux.json", "config-solaris.json", "config-windows.json", "config-vm.json", "config-zos.json",
            "config-schema.json", "state-schema.json",
        ];
        foreach (var name in order)
        {
            string file = System.IO.Path.Combine(folder, name);
            var uri = new Uri(Base, name);
            _byFile[name] = JsonSchema.FromText(File.ReadAllText(file), options, uri);
        }
    }

    /// <summary>The validation errors of a document, one line each ("" when it is valid).</summary>
    public IReadOnlyList<string> Errors(string schemaFile, string json)
    {
        using var doc = JsonDocument.Parse(json);
        var result = _byFile[schemaFile].Evaluate(doc.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (result.IsValid) return [];
        var lines = new List<string>();
        foreach (var detail in result.Details ?? [])
            foreach (var (keyword, message) in detail.Errors ?? new Dictionary<string, string>())
                lines.Add($"{detail.InstanceLocation}: {keyword}: {message} ({detail.EvaluationPath})");
        if (lines.Count == 0) lines.Add("invalid (no details)");
        return lines;
    }
}
