namespace MyDocker.Fuzz;

/// <summary>
/// The fuzz targets by name. Each takes the bytes of one file and returns the one-line error it was
/// rejected with (null: accepted), or throws a finding.
/// </summary>
internal static class Targets
{
    private static readonly Dictionary<string, Func<byte[], string?>> ByName = new()
    {
        ["config"] = ConfigTarget.Run,
        ["state"] = StateTarget.Run,
    };

    public static IEnumerable<string> Names => ByName.Keys;

    public static Func<byte[], string?>? Find(string name) => ByName.GetValueOrDefault(name);
}
