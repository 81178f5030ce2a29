using System.Text.Json.Serialization;

namespace MyDocker.Engine.Api;

/// <summary>
/// Every type the API reads or writes, for System.Text.Json's source generator (no reflection: the
/// daemon is NativeAOT). Docker's JSON names are PascalCase, like our properties; Go reads keys
/// case-insensitively, so we do too; null fields are left out of answers.
/// </summary>
[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ErrorBody))]
[JsonSerializable(typeof(VersionBody))]
[JsonSerializable(typeof(InfoBody))]
[JsonSerializable(typeof(Containers.ContainerRecord))]
[JsonSerializable(typeof(Models.ContainerConfigBody))]
[JsonSerializable(typeof(Models.ExecConfigBody))]
[JsonSerializable(typeof(Models.ExecStartBody))]
public sealed partial class EngineJson : JsonSerializerContext;
