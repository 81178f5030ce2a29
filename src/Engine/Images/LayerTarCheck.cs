using System.Formats.Tar;
using MyDocker.Spec;

namespace MyDocker.Engine.Images;

/// <summary>
/// The checks of <see cref="LayerUnpacker"/> that need no file system, made while a layer is first
/// read (import, load), so a crafted tar is refused at `docker import` / `docker load` rather than
/// at the first `docker run`: names that are absolute or climb above the root with "..", entries
/// (and hard link targets) below an earlier symlink entry, unsupported entry types. The unpacker
/// checks all of this again on the real files; it is the one that must never be wrong.
/// Also adds up the size of the file content (the image's Size).
/// </summary>
public sealed class LayerTarCheck
{
    // The paths this layer has made so far and whether each is a symlink (a later entry replaces an earlier one).
    private readonly Dictionary<string, bool> _isSymlink = new(StringComparer.Ordinal);

    public long ContentSize { get; private set; }

    public void Check(TarEntry entry)
    {
        if (entry.EntryType == TarEntryType.GlobalExtendedAttributes) return;
        try
        {
            string[] parts = LayerUnpacker.CleanName(entry.Name);
            RefuseSymlinkParent(parts, "parent");
            switch (entry.EntryType)
            {
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                    ContentSize += entry.Length;
                    break;
                case TarEntryType.HardLink:
                    string[] target;
                    try { target = LayerUnpacker.CleanName(entry.LinkName); }
                    catch (MyDockerException e) { throw new MyDockerException($"hard link target {MessageText.Quote(entry.LinkName)}: {e.Message}"); }
                    RefuseSymlinkParent(target, $"hard link target {MessageText.Quote(entry.LinkName)}: parent");
                    break;
                case TarEntryType.Directory or TarEntryType.SymbolicLink or TarEntryType.CharacterDevice
                    or TarEntryType.BlockDevice or TarEntryType.Fifo:
                    break;
                default:
                    throw new MyDockerException($"entry type {entry.EntryType} is not supported");
            }
            if (parts.Length > 0) _isSymlink[string.Join('/', parts)] = entry.EntryType == TarEntryType.SymbolicLink;
        }
        catch (MyDockerException e)
        {
            throw new MyDockerException($"layer entry {MessageText.Quote(entry.Name)}: {e.Message}");
        }
    }

    private void RefuseSymlinkParent(string[] parts, string what)
    {
        for (int i = 1; i < parts.Length; i++)
        {
            string prefix = string.Join('/', parts[..i]);
            if (_isSymlink.TryGetValue(prefix, out bool link) && link)
                throw new MyDockerException($"{what} {MessageText.Quote(prefix)} is a symbolic link: refusing to follow it");
        }
    }
}
