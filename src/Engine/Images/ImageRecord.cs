namespace MyDocker.Engine.Images;

/// <summary>
/// One image as the store knows it: what `docker images` and `docker image inspect` show.
/// A fresh copy on every read: changing its lists changes nothing in the store.
/// </summary>
/// <param name="Id">"sha256:&lt;hex&gt;" of the image config JSON bytes (Docker's image ID).</param>
/// <param name="RepoTags">"name:tag" references pointing at it; empty for a dangling (untagged) image.</param>
/// <param name="Created">The config's "created" time, UTC.</param>
/// <param name="Size">Bytes of file content in all its layers.</param>
/// <param name="DiffIds">The layers' uncompressed sha256, bottom layer first (rootfs.diff_ids).</param>
public sealed record ImageRecord(
    string Id,
    List<string> RepoTags,
    DateTime Created,
    long Size,
    ImageConfig Config,
    List<string> DiffIds,
    string Architecture,
    string Os);

/// <summary>
/// The "config" object of an image config: the defaults a container of this image starts with.
/// Field names are Docker's (they appear as such in /images/{id}/json).
/// </summary>
public sealed record ImageConfig
{
    public List<string>? Env { get; init; }
    public List<string>? Cmd { get; init; }
    public List<string>? Entrypoint { get; init; }
    public string? WorkingDir { get; init; }
    public string? User { get; init; }
    public Dictionary<string, string>? Labels { get; init; }
    /// <summary>"80/tcp" style keys of the JSON object {"80/tcp": {}}.</summary>
    public List<string>? ExposedPorts { get; init; }
    /// <summary>Container paths of the JSON object {"/data": {}}.</summary>
    public List<string>? Volumes { get; init; }
    public string? StopSignal { get; init; }
}

/// <summary>
/// Who owns the files of an unpacked layer on the host. None: the uids/gids of the tar as they are.
/// Otherwise container uid u is host uid HostStart+u, for u &lt; Size: the same shift Docker's
/// userns-remap applies, so a container in a user namespace with that mapping sees the tar's owners.
/// </summary>
public readonly record struct IdShift(uint HostStart, uint Size)
{
    public static IdShift None => default;

    public bool IsNone => Size == 0;

    /// <summary>The name of this shift's unpacked copy of a layer: "none" or "100000-65536".</summary>
    public string Key => IsNone ? "none" : $"{HostStart}-{Size}";

    /// <summary>The host id of container id <paramref name="id"/>; null when the map does not cover it.</summary>
    public uint? Map(long id)
    {
        if (id < 0) return null;
        if (IsNone) return id <= uint.MaxValue ? (uint)id : null;
        return id < Size ? HostStart + (uint)id : null;
    }
}
