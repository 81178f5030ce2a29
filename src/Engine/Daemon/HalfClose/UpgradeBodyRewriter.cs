using System.Globalization;
using System.Text;

namespace MyDocker.Engine.Daemon.HalfClose;

/// <summary>
/// Docker's CLI hijacks `POST /exec/{id}/start` with a small JSON body ({"Detach":false,"Tty":true})
/// AND "Connection: Upgrade"; Kestrel upgrades only requests without a body. For the first request
/// of a connection (the CLI dials a fresh connection for every hijack) this rewrites the head's
/// "Content-Length: N" to "Content-Length: 0" plus "X-Upgrade-Body-Length: N": the N body bytes then
/// become the first bytes of the upgraded stream, where the exec handler reads (and skips) them.
/// </summary>
public static class UpgradeBodyRewriter
{
    public const string LengthHeader = "X-Upgrade-Body-Length";

    /// <summary>The rewritten head, or null when <paramref name="head"/> (up to and with its blank line) needs no change.</summary>
    public static byte[]? Rewrite(ReadOnlySpan<byte> head)
    {
        string text = Encoding.Latin1.GetString(head);
        if (!text.StartsWith("POST ", StringComparison.Ordinal)) return null;
        // Lines end in CRLF or a bare LF (see HalfCloseMiddleware.FindHeadEnd); a rewritten head uses CRLF throughout.
        string[] lines = text.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        bool upgrade = lines.Any(l => l.StartsWith("Connection:", StringComparison.OrdinalIgnoreCase) && l.Contains("upgrade", StringComparison.OrdinalIgnoreCase));
        int lengthLine = Array.FindIndex(lines, l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        if (!upgrade || lengthLine < 0) return null;
        if (!long.TryParse(lines[lengthLine][15..].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long length) || length == 0) return null;
        lines[lengthLine] = $"Content-Length: 0\r\n{LengthHeader}: {length}";
        return Encoding.Latin1.GetBytes(string.Join("\r\n", lines));
    }
}
