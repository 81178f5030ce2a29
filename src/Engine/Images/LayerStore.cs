using System.Formats.Tar;
using MyDocker.Runtime.Interop;
using MyDocker.Spec;

namespace MyDocker.Engine.Images;

/// <summary>
/// A layer read and saved, not yet part of the store: its diff id, its content size, and the temporary
/// file holding its uncompressed tar. <see cref="LayerStore.Commit"/> moves it in; Dispose deletes the
/// file if that never happened.
/// </summary>
public sealed class PendingLayer(string diffId, long contentSize, string tempFile) : IDisposable
{
    public string DiffId { get; } = diffId;
    public long ContentSize { get; } = contentSize;
    internal string TempFile { get; } = tempFile;

    public void Dispose() => File.Delete(TempFile);
}

/// <summary>
/// The layers, content-addressed by diff id (the sha256 of the uncompressed tar):
///   layers/&lt;hex&gt;/layer.tar       the tar as it was read (kept: every shift is unpacked from it)
///   layers/&lt;hex&gt;/size            bytes of file content, for the image's Size
///   layers/&lt;hex&gt;/&lt;shift&gt;/diff    the tar unpacked for one IdShift ("none", "100000-65536"),
///                                an overlayfs lower directory
/// An unpacking is made in "&lt;shift&gt;.tmp" and renamed when complete, so "&lt;shift&gt;" exists only
/// whole. The caller (ImageStore) serializes everything but <see cref="Ingest"/>.
/// </summary>
public sealed class LayerStore
{
    private readonly string _layers;
    private readonly string _tmp;

    public LayerStore(string layersDir, string tmpDir)
    {
        _layers = layersDir;
        _tmp = tmpDir;
    }

    /// <summary>
    /// Reads one layer tar (plain or gzip) to its end into a temporary file, computing its diff id and
    /// checking its entries on the way. Needs no lock: the file is private until committed.
    /// </summary>
    public PendingLayer Ingest(Stream source, string what)
    {
        string temp = Path.Combine(_tmp, "layer-" + Guid.NewGuid().ToString("N"));
        try
        {
            string diffId;
            long size;
            using (var copy = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                using var plain = Decompression.Open(source, what);
                using var hashing = new CopyingHashStream(plain, copy);
                var check = new LayerTarCheck();
                try
                {
                    using (var reader = new TarReader(hashing, leaveOpen: true))
                        while (reader.GetNextEntry(copyData: false) is { } entry) check.Check(entry);
                    hashing.Drain();
                }
                catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException or ArgumentException)
                {
                    throw new MyDockerException($"{what}: not a valid tar archive: {LayerUnpacker.TarProblem(e)}");
                }
                catch (MyDockerException e)
                {
                    throw new MyDockerException($"{what}: {e.Message}", e.Errno);
                }
                diffId = hashing.Digest();
                size = check.ContentSize;
                copy.Flush(flushToDisk: true);
            }
            return new PendingLayer(diffId, size, temp);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>Makes a pending layer part of the store, unless a layer with its diff id is there already.</summary>
    public void Commit(PendingLayer layer)
    {
        string dir = Dir(layer.DiffId);
        if (File.Exists(Path.Combine(dir, "layer.tar"))) { layer.Dispose(); return; }
        Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.WriteAllText(Path.Combine(dir, "size"), layer.ContentSize.ToString(System.Globalization.CultureInfo.InvariantCulture));
        // layer.tar last: its presence is what makes the layer exist.
        File.Move(layer.TempFile, Path.Combine(dir, "layer.tar"));
    }

    public bool Exists(string diffId) => File.Exists(Path.Combine(Dir(diffId), "layer.tar"));

    public long ContentSize(string diffId) =>
        long.TryParse(File.ReadAllText(Path.Combine(Dir(diffId), "size")), out long n) ? n : 0;

    /// <summary>The unpacked directory of the layer for <paramref name="shift"/>, unpacked now if it is not yet.</summary>
    public unsafe string Unpacked(string diffId, IdShift shift)
    {
        string dir = Dir(diffId);
        string done = Path.Combine(dir, shift.Key);
        if (Directory.Exists(done)) return Path.Combine(done, "diff");

        string work = done + ".tmp"; // left by a crash, or absent
        if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
        Directory.CreateDirectory(work, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        try
        {
            string diff = Path.Combine(work, "diff");
            Directory.CreateDirectory(diff);
            using (var tar = new FileStream(Path.Combine(dir, "layer.tar"), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16))
                LayerUnpacker.Unpack(tar, diff, shift);
            // On disk before the rename: after a crash, "<shift>" is whole or absent, never half.
            int fd = Libc.Open(work, Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_CLOEXEC, 0);
            if (fd < 0) throw Libc.Fail($"opening {work}");
            int synced = Libc.Syncfs(fd);
            Libc.Close(fd);
            if (synced < 0) throw Libc.Fail($"syncfs {work}");
            Libc.Check(Libc.Rename(work, done), $"renaming {work} to {done}");
        }
        catch (Exception e)
        {
            Directory.Delete(work, recursive: true);
            throw new MyDockerException($"unpacking layer {diffId}{(shift.IsNone ? "" : $" for ids {shift.Key}")}: {ErrorText.Of(e)}",
                ErrorText.Errno(e));
        }
        return Path.Combine(done, "diff");
    }

    /// <summary>Deletes a layer: its tar and all its unpacked copies.</summary>
    public void Delete(string diffId)
    {
        string dir = Dir(diffId);
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
    }

    /// <summary>The diff ids of every layer on disk.</summary>
    public IEnumerable<string> All() => Directory.Exists(_layers)
        ? Directory.EnumerateDirectories(_layers).Select(d => "sha256:" + Path.GetFileName(d))
        : [];

    private string Dir(string diffId)
    {
        if (!ImageConfigJson.IsDigest(diffId)) throw new MyDockerException($"invalid layer diff id {MessageText.Quote(diffId)}");
        return Path.Combine(_layers, diffId[7..]);
    }
}
