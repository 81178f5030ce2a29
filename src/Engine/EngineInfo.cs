namespace MyDocker.Engine;

/// <summary>What /version says of us.</summary>
public static class EngineInfo
{
    public const string Version = "0.1.0";
}
