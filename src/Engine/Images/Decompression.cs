using System.IO.Compression;
using MyDocker.Spec;

namespace MyDocker.Engine.Images;

/// <summary>
/// Archives and layers arrive plain or gzip-compressed (docker save writes plain tars, registries
/// and `docker import` users often gzip). The first bytes say which, as they do for Docker.
/// </summary>
public static class Decompression
{
    /// <summary>The plain content of <paramref name="source"/>: gunzipped when it starts with gzip's magic.</summary>
    public static Stream Open(Stream source, string what)
    {
        byte[] head = new byte[6];
        int n = source.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        var whole = new PrefixedStream(head.AsMemory(0, n), source);
        ReadOnlySpan<byte> h = head.AsSpan(0, n);
        if (h.StartsWith((ReadOnlySpan<byte>)[0x1f, 0x8b])) return new GZipStream(whole, CompressionMode.Decompress);
        if (h.StartsWith((ReadOnlySpan<byte>)[0x28, 0xb5, 0x2f, 0xfd])) throw Unsupported(what, "zstd");
        if (h.StartsWith((ReadOnlySpan<byte>)[0xfd, (byte)'7', (byte)'z', (byte)'X', (byte)'Z', 0])) throw Unsupported(what, "xz");
        if (h.StartsWith("BZh"u8)) throw Unsupported(what, "bzip2");
        return whole;
    }

    private static MyDockerException Unsupported(string what, string format) =>
        new($"{what} is {format}-compressed: only plain and gzip-compressed tar archives are supported");
}

/// <summary>Bytes already read from a stream, then the rest of that stream: a one-way "peek".</summary>
public sealed class PrefixedStream(ReadOnlyMemory<byte> prefix, Stream rest) : Stream
{
    private ReadOnlyMemory<byte> _prefix = prefix;

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_prefix.IsEmpty) return rest.Read(buffer);
        int n = Math.Min(buffer.Length, _prefix.Length);
        _prefix.Span[..n].CopyTo(buffer);
        _prefix = _prefix[n..];
        return n;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
