using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace MyDocker.EngineTests.Images;

/// <summary>Builds tar archives in memory with System.Formats.Tar's TarWriter (PAX format), entry by entry.</summary>
public sealed class TarBuilder
{
    public static readonly DateTimeOffset Time = new(2021, 3, 4, 5, 6, 7, TimeSpan.Zero);
    private readonly MemoryStream _buffer = new();
    private readonly TarWriter _writer;

    public TarBuilder() => _writer = new TarWriter(_buffer, TarEntryFormat.Pax, leaveOpen: true);

    public TarBuilder Dir(string name, int mode = 0x1ED, int uid = 0, int gid = 0) =>
        Add(new PaxTarEntry(TarEntryType.Directory, name), mode, uid, gid);

    public TarBuilder File(string name, string content, int mode = 0x1A4, int uid = 0, int gid = 0)
    {
        var entry = new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)) };
        return Add(entry, mode, uid, gid);
    }

    public TarBuilder Symlink(string name, string target, int uid = 0, int gid = 0) =>
        Add(new PaxTarEntry(TarEntryType.SymbolicLink, name) { LinkName = target }, 0x1FF, uid, gid);

    public TarBuilder HardLink(string name, string target) =>
        Add(new PaxTarEntry(TarEntryType.HardLink, name) { LinkName = target }, 0x1A4, 0, 0);

    public TarBuilder Fifo(string name, int mode = 0x1A4, int uid = 0, int gid = 0) =>
        Add(new PaxTarEntry(TarEntryType.Fifo, name), mode, uid, gid);

    public TarBuilder Device(string name, bool block, int major, int minor, int mode = 0x1B6, int uid = 0, int gid = 0) =>
        Add(new PaxTarEntry(block ? TarEntryType.BlockDevice : TarEntryType.CharacterDevice, name)
            { DeviceMajor = major, DeviceMinor = minor }, mode, uid, gid);

    private TarBuilder Add(PaxTarEntry entry, int mode, int uid, int gid)
    {
        entry.Mode = (UnixFileMode)mode;
        entry.Uid = uid;
        entry.Gid = gid;
        entry.ModificationTime = Time;
        _writer.WriteEntry(entry);
        return this;
    }

    public byte[] ToArray()
    {
        _writer.Dispose();
        return _buffer.ToArray();
    }

    public static byte[] Gzip(byte[] data)
    {
        var output = new MemoryStream();
        using (var gz = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(data);
        return output.ToArray();
    }

    public static string Sha256Hex(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));
}

/// <summary>A tar archive whose members are given as (name, bytes) or symlinks: for docker save archives.</summary>
public sealed class ArchiveBuilder
{
    private readonly MemoryStream _buffer = new();
    private readonly TarWriter _writer;

    public ArchiveBuilder() => _writer = new TarWriter(_buffer, TarEntryFormat.Pax, leaveOpen: true);

    public ArchiveBuilder Add(string name, byte[] content)
    {
        _writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(content), Mode = (UnixFileMode)0x1A4 });
        return this;
    }

    public ArchiveBuilder Add(string name, string content) => Add(name, Encoding.UTF8.GetBytes(content));

    public ArchiveBuilder Dir(string name)
    {
        _writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, name) { Mode = (UnixFileMode)0x1ED });
        return this;
    }

    public ArchiveBuilder Symlink(string name, string target)
    {
        _writer.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, name) { LinkName = target });
        return this;
    }

    public byte[] ToArray()
    {
        _writer.Dispose();
        return _buffer.ToArray();
    }
}
