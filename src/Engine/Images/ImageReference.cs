using System.Text.RegularExpressions;
using MyDocker.Spec;

namespace MyDocker.Engine.Images;

/// <summary>
/// Docker's image references, as far as a store without a registry needs them: "name[:tag]" with
/// Docker Hub's default parts removed ("docker.io/library/busybox:latest" is "busybox:latest"), and
/// image IDs ("sha256:&lt;64 hex&gt;", the bare hex, or a prefix of it).
/// </summary>
public static partial class ImageReference
{
    /// <summary>
    /// "name:tag" in the short form the store keeps, or null when <paramref name="reference"/> is not a
    /// valid name (Docker's grammar: lower-case components separated by '/', an optional registry host
    /// with a port, a tag of at most 128 word characters, dots and dashes). A missing tag is "latest".
    /// A digest reference ("name@sha256:...") is not a tag: null.
    /// </summary>
    public static string? NormalizeTag(string reference)
    {
        if (reference.Length == 0 || reference.Length > 255 || reference.Contains('@')) return null;
        string name = reference, tag = "latest";
        int colon = reference.LastIndexOf(':');
        if (colon > reference.LastIndexOf('/'))
        {
            name = reference[..colon];
            tag = reference[(colon + 1)..];
            if (!TagPattern().IsMatch(tag)) return null;
        }
        if (!NamePattern().IsMatch(name)) return null;
        // Docker Hub is the default registry and "library/" its namespace of official images.
        foreach (string prefix in (string[])["docker.io/", "index.docker.io/", "registry-1.docker.io/"])
            if (name.StartsWith(prefix, StringComparison.Ordinal)) { name = name[prefix.Length..]; break; }
        if (name.StartsWith("library/", StringComparison.Ordinal) && name.IndexOf('/', 8) < 0) name = name[8..];
        return $"{name}:{tag}";
    }

    /// <summary>Like <see cref="NormalizeTag"/>, but a bad name is an error that says why (API 400).</summary>
    public static string RequireTag(string reference) =>
        NormalizeTag(reference) ?? throw new MyDockerException(
            $"invalid reference format: {MessageText.Quote(reference)} (want name[:tag], lower-case name)");

    /// <summary>
    /// The hex digits of an ID reference: "sha256:&lt;hex&gt;" or bare hex, full or a prefix of at least
    /// <paramref name="minPrefix"/> digits; null when it is not one.
    /// </summary>
    public static string? IdHex(string reference, int minPrefix = 4)
    {
        string hex = reference.StartsWith("sha256:", StringComparison.Ordinal) ? reference[7..] : reference;
        if (hex.Length < minPrefix || hex.Length > 64) return null;
        foreach (char c in hex) if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c)) return null;
        return hex;
    }

    // Docker's reference grammar (distribution/reference): an optional domain "host[:port]/" (it has a
    // dot or a port, or is "localhost"), then path components.
    [GeneratedRegex(@"^((localhost|[a-zA-Z0-9-]+(\.[a-zA-Z0-9-]+)+|[a-zA-Z0-9-]+:[0-9]+|[a-zA-Z0-9-]+(\.[a-zA-Z0-9-]+)+:[0-9]+)/)?[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*\z")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}\z")]
    private static partial Regex TagPattern();
}
