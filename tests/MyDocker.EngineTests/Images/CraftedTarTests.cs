using MyDocker.Engine.Images;
using MyDocker.Runtime.Interop;
using MyDocker.Spec;

namespace MyDocker.EngineTests.Images;

/// <summary>
/// Hostile layer tars: each tries to write outside the layer directory, into a "host" directory
/// holding a file passwd. Both gates are tried: the check while importing (ImageStore.Import) and the
/// unpacker itself (LayerStore.Unpacked on a layer.tar placed in the store directly, as if the check
/// had missed it). Each must fail with one line, leave the host directory as it was, and leave no
/// half-made directory.
/// </summary>
public sealed class CraftedTarTests : IDisposable
{
    private readonly TempRoot _root = new();
    private readonly TempRoot _host = new();
    private string HostFile => Path.Combine(_host.Path, "passwd");

    public CraftedTarTests() => File.WriteAllText(HostFile, "original\n");

    public void Dispose()
    {
        _root.Dispose();
        _host.Dispose();
    }

    /// <summary>Each crafted tar and the reason its error must give.</summary>
    public static TheoryData<string, string> Cases => new()
    {
        { "absolute", "absolute path" },
        { "dotdot", "\"..\" escapes the layer root" },
        { "dotdot-inside", "\"..\" escapes the layer root" },
        { "symlink-parent", "parent \"a\" is a symbolic link" },
        { "symlink-parent-relative", "parent \"a\" is a symbolic link" },
        { "symlink-parent-dir", "parent \"a\" is a symbolic link" },
        { "hardlink-outside", "escapes the layer root" },
        { "hardlink-through-symlink", "hard link target \"s/passwd\": parent \"s\" is a symbolic link" },
        { "whiteout-through-symlink", "parent \"s\" is a symbolic link" },
        { "opaque-through-symlink", "parent \"s\" is a symbolic link" },
    };

    private byte[] Crafted(string name) => name switch
    {
        "absolute" => new TarBuilder().File(Path.Combine(_host.Path, "abs"), "pwned").ToArray(),
        "dotdot" => new TarBuilder().File("../../../../../../../.." + _host.Path + "/dotdot", "pwned").ToArray(),
        "dotdot-inside" => new TarBuilder().Dir("a/").File("a/../../escaped", "pwned").ToArray(),
        "symlink-parent" => new TarBuilder().Symlink("a", _host.Path).File("a/passwd", "pwned").ToArray(),
        "symlink-parent-relative" => new TarBuilder().Symlink("a", "../../../../../../../.." + _host.Path)
            .File("a/passwd", "pwned").ToArray(),
        "symlink-parent-dir" => new TarBuilder().Symlink("a", _host.Path).Dir("a/newdir/").ToArray(),
        "hardlink-outside" => new TarBuilder().HardLink("h", "../../../../../../../.." + HostFile).ToArray(),
        "hardlink-through-symlink" => new TarBuilder().Symlink("s", _host.Path).HardLink("h", "s/passwd").ToArray(),
        "whiteout-through-symlink" => new TarBuilder().Symlink("s", _host.Path).File("s/.wh.passwd", "").ToArray(),
        "opaque-through-symlink" => new TarBuilder().Symlink("s", _host.Path).File("s/.wh..wh..opq", "").ToArray(),
        _ => throw new ArgumentException(name),
    };

    [Theory, MemberData(nameof(Cases))]
    public void Import_refuses_the_tar(string name, string reason)
    {
        var store = new ImageStore(_root.Path);
        var e = Assert.Throws<MyDockerException>(() => store.Import(new MemoryStream(Crafted(name)), "evil:1", null));
        Assert.StartsWith("the imported tar: layer entry ", e.Message);
        Assert.Contains(reason, e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Empty(store.List());
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_root.Path, "image", "layers")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_root.Path, "image", "tmp")));
        AssertHostUntouched();
    }

    [Theory, MemberData(nameof(Cases))]
    public void The_unpacker_refuses_the_tar_for_every_shift(string name, string reason)
    {
        string layers = Path.Combine(_root.Path, "layers"), tmp = Path.Combine(_root.Path, "tmp");
        Directory.CreateDirectory(tmp);
        byte[] tar = Crafted(name);
        string hex = TarBuilder.Sha256Hex(tar);
        string layerDir = Path.Combine(layers, hex);
        Directory.CreateDirectory(layerDir);
        File.WriteAllBytes(Path.Combine(layerDir, "layer.tar"), tar);
        var store = new LayerStore(layers, tmp);
        foreach (var shift in new[] { IdShift.None, new IdShift(100000, 65536) })
        {
            var e = Assert.Throws<MyDockerException>(() => store.Unpacked("sha256:" + hex, shift));
            Assert.StartsWith($"unpacking layer sha256:{hex}", e.Message);
            Assert.Contains(": layer entry ", e.Message);
            Assert.Contains(reason, e.Message);
            Assert.DoesNotContain('\n', e.Message);
            Assert.Equal(["layer.tar"], Directory.EnumerateFileSystemEntries(layerDir).Select(p => Path.GetFileName(p)).ToList());
            AssertHostUntouched();
        }
    }

    [Fact]
    public void The_messages_say_what_was_wrong()
    {
        string Message(string name) => Assert.Throws<MyDockerException>(() =>
            new ImageStore(_root.Path).Import(new MemoryStream(Crafted(name)), null, null)).Message;
        Assert.Contains("absolute path", Message("absolute"));
        Assert.Contains("\"..\" escapes the layer root", Message("dotdot"));
        Assert.Equal("the imported tar: layer entry \"a/passwd\": parent \"a\" is a symbolic link: refusing to follow it", Message("symlink-parent"));
        Assert.Contains("hard link target", Message("hardlink-through-symlink"));
    }

    [Fact]
    public void A_symlink_may_point_anywhere_and_a_later_file_of_its_name_replaces_the_link_not_its_target()
    {
        var store = new ImageStore(_root.Path);
        var tar = new TarBuilder()
            .Symlink("evil", HostFile)
            .File("evil", "layer content")
            .Symlink("etc-link", "/etc")
            .Symlink("d", _host.Path)
            .Dir("d/")
            .File("d/inside", "in the layer")
            .ToArray();
        var image = store.Import(new MemoryStream(tar), null, null);
        string dir = store.LayerDirs(image, IdShift.None)[0];
        Assert.Equal(Libc.S_IFREG, FileStat.Lstat($"{dir}/evil").FileType);
        Assert.Equal("layer content", File.ReadAllText($"{dir}/evil"));
        Assert.Equal("/etc", new FileInfo($"{dir}/etc-link").LinkTarget);
        Assert.True(FileStat.Lstat($"{dir}/d").IsDirectory);
        Assert.Equal("in the layer", File.ReadAllText($"{dir}/d/inside"));
        AssertHostUntouched();
    }

    [Fact]
    public void A_file_replacing_a_directory_removes_the_directory_but_not_what_its_symlinks_point_to()
    {
        var store = new ImageStore(_root.Path);
        var tar = new TarBuilder()
            .Dir("d/").File("d/f", "f").Symlink("d/host", _host.Path).Symlink("d/passwd", HostFile)
            .File("d", "now a file")
            .ToArray();
        var image = store.Import(new MemoryStream(tar), null, null);
        string dir = store.LayerDirs(image, IdShift.None)[0];
        Assert.Equal(Libc.S_IFREG, FileStat.Lstat($"{dir}/d").FileType);
        Assert.Equal("now a file", File.ReadAllText($"{dir}/d"));
        AssertHostUntouched();
    }

    private void AssertHostUntouched()
    {
        Assert.Equal(["passwd"], Directory.EnumerateFileSystemEntries(_host.Path).Select(p => Path.GetFileName(p)).ToList());
        var st = FileStat.Lstat(HostFile);
        Assert.Equal(Libc.S_IFREG, st.FileType);
        Assert.Equal(1u, st.Nlink);
        Assert.Equal("original\n", File.ReadAllText(HostFile));
        Assert.Null(FileStat.Xattr(_host.Path, "trusted.overlay.opaque"));
        Assert.False(File.Exists("/escaped"));
    }
}
