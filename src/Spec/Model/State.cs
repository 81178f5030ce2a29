namespace MyDocker.Spec.Model;

/// <summary>runtime.md "State": what `mydocker state` prints.</summary>
public sealed class State
{
    public string OciVersion { get; set; } = SpecVersion.Current;
    public string Id { get; set; } = "";
    /// <summary>creating, created, running, stopped (and paused, an extension runc also reports).</summary>
    public string Status { get; set; } = "";
    public int Pid { get; set; }
    public string Bundle { get; set; } = "";
    public Dictionary<string, string>? Annotations { get; set; }
}

/// <summary>The runtime-spec version this runtime implements.</summary>
public static class SpecVersion
{
    public const string Current = "1.2.0";
}
