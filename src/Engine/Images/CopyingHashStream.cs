using System.Security.Cryptography;

namespace MyDocker.Engine.Images;

/// <summary>
/// Reads a stream and, as it goes, hashes every byte (sha256) and copies it to a file: a layer is
/// read once from the request or the archive, and that one read gives its diff id, its saved copy,
/// and (through the TarReader on top) its checked entries.
/// </summary>
public sealed class CopyingHashStream(Stream source, Stream copy) : Stream
{
    private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public long BytesRead { get; private set; }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n = source.Read(buffer);
        if (n > 0)
        {
            _sha256.AppendData(buffer[..n]);
            copy.Write(buffer[..n]);
            BytesRead += n;
        }
        return n;
    }

    /// <summary>Reads what is left (a tar's padding after its end marker), so the hash covers all of it.</summary>
    public void Drain()
    {
        byte[] buffer = new byte[1 << 16];
        while (Read(buffer, 0, buffer.Length) > 0) { }
    }

    /// <summary>"sha256:&lt;hex&gt;" of everything read.</summary>
    public string Digest() => "sha256:" + Convert.ToHexStringLower(_sha256.GetHashAndReset());

    protected override void Dispose(bool disposing)
    {
        if (disposing) _sha256.Dispose();
        base.Dispose(disposing);
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
