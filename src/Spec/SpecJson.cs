using System.Text.Encodings.Web;
using System.Text.Json;
using MyDocker.Spec.Json;
using MyDocker.Spec.Model;

namespace MyDocker.Spec;

/// <summary>
/// Reading and writing spec documents through <see cref="SpecJsonContext"/> (source-generated, NativeAOT-safe).
/// Reading never validates (see <see cref="ConfigLoader"/> for that); it turns every JSON or type error into
/// a one-line <see cref="MyDockerException"/> that starts with the document's name, e.g.
/// "config.json: process.args: expected an array of strings".
/// </summary>
public static class SpecJson
{
    // Non-ASCII text (annotations, paths) is written as it is, not as \uXXXX: these files are read by
    // people and by other runtimes, never embedded in HTML.
    private static readonly SpecJsonContext Indented = new(new JsonSerializerOptions(SpecJsonContext.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = true,
    });

    private static readonly SpecJsonContext Compact = new(new JsonSerializerOptions(SpecJsonContext.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = false,
    });

    /// <summary>config.json text, indented (2 spaces) unless asked otherwise, no trailing newline; unset optional fields left out.</summary>
    public static string SerializeConfig(Config config, bool indented = true) =>
        JsonSerializer.Serialize(config, indented ? Indented.Config : Compact.Config);

    /// <summary>The state: one compact line (what hooks read on stdin) or indented (what `state` prints, like runc).</summary>
    public static string SerializeState(State state, bool indented = false) =>
        JsonSerializer.Serialize(state, indented ? Indented.State : Compact.State);

    /// <summary>What `features` prints, indented.</summary>
    public static string SerializeFeatures(Features features) => JsonSerializer.Serialize(features, Indented.Features);

    /// <summary>A process object (as for `exec --process`), indented.</summary>
    public static string SerializeProcess(Process process) => JsonSerializer.Serialize(process, Indented.Process);

    /// <summary>Parses config.json text without validating it. Errors start with <paramref name="documentName"/>.</summary>
    public static Config DeserializeConfig(string json, string documentName = "config.json") =>
        JsonReading.Read(json, SpecReader.ConfigKind, documentName);

    /// <summary>Parses a state document. Errors start with <paramref name="documentName"/>.</summary>
    public static State DeserializeState(string json, string documentName = "state.json") =>
        JsonReading.Read(json, SpecReader.StateKind, documentName);

    /// <summary>Parses a process document (`exec --process`). Errors start with <paramref name="documentName"/>.</summary>
    public static Process DeserializeProcess(string json, string documentName = "process.json") =>
        JsonReading.Read(json, SpecReader.ProcessKind, documentName);

    /// <summary>linux.resources alone, as `update --resources` receives it.</summary>
    public static Resources DeserializeResources(string json, string documentName = "resources.json") =>
        JsonReading.Read(json, SpecReader.ResourcesKind, documentName);
}
