namespace MyDocker.Engine.Containers;

/// <summary>What an image's config contributes to a container's process, when the request does not say otherwise.</summary>
public sealed record ImageDefaults(List<string>? Env, List<string>? Cmd, List<string>? Entrypoint, string? WorkingDir, string? User)
{
    public static ImageDefaults None { get; } = new(null, null, null, null, null);
}

/// <summary>The user namespace of a container: container ids 0..Size-1 are host ids HostStart..HostStart+Size-1.</summary>
public readonly record struct UserNamespaceMap(uint HostStart, uint Size);
