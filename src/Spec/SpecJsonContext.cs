using System.Text.Json;
using System.Text.Json.Serialization;
using MyDocker.Spec.Model;

namespace MyDocker.Spec;

/// <summary>
/// Source-generated JSON for every spec document (no reflection: NativeAOT-safe).
/// camelCase names match the spec; unset optional fields are left out when writing.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = true,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = false,
    RespectNullableAnnotations = true)]
[JsonSerializable(typeof(Config))]
[JsonSerializable(typeof(State))]
[JsonSerializable(typeof(Features))]
[JsonSerializable(typeof(Process))]
[JsonSerializable(typeof(Resources))]
public partial class SpecJsonContext : JsonSerializerContext
{
}
