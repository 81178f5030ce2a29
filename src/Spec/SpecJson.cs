using MyDocker.Spec.Json;
using MyDocker.Spec.Model;

namespace MyDocker.Spec;

/// <summary>
/// Reading and writing spec documents. Both are done by hand, field by field (Json/SpecReader,
/// Json/SpecWriter), not with JsonSerializer: its per-type metadata cost every `mydocker` process
/// about a millisecond of start-up, and engines start one per verb (docs/PERFORMANCE.md).
/// Reading never validates (see <see cref="ConfigLoader"/> for that); it turns every JSON or type
/// error into a one-line <see cref="MyDockerException"/> that starts with the document's name, e.g.
/// "config.json: process.args: expected an array of strings".
/// Writing leaves unset optional fields out, and writes non-ASCII text as it is, not as \uXXXX:
/// these files are read by people and by other runtimes, never embedded in HTML.
/// </summary>
public static class SpecJson
{
    /// <summary>config.json text, indented (2 spaces) unless asked otherwise, no trailing newline.</summary>
    public static string SerializeConfig(Config config, bool indented = true) => SpecWriter.Serialize(config, indented);

    /// <summary>The state: one compact line (what hooks read on stdin) or indented (what `state` prints, like runc).</summary>
    public static string SerializeState(State state, bool indented = false) => SpecWriter.Serialize(state, indented);

    /// <summary>What `features` prints, indented.</summary>
    public static string SerializeFeatures(Features features) => SpecWriter.Serialize(features, indented: true);

    /// <summary>A process object (as for `exec --process`), indented.</summary>
    public static string SerializeProcess(Process process) => SpecWriter.Serialize(process, indented: true);

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
