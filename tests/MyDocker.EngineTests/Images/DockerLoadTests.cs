using System.Text;
using MyDocker.Engine.Images;
using MyDocker.Runtime.Interop;
using MyDocker.Spec;

namespace MyDocker.EngineTests.Images;

/// <summary>docker load of archives in both layouts; shared layers; the layers under a real overlayfs mount.</summary>
public class DockerLoadTests
{
    private static readonly byte[] Base = new TarBuilder()
        .Dir("a/").File("a/x", "x").File("a/y", "y")
        .Dir("b/").File("b/z", "z")
        .File("bin/sh", "shell", 0x1ED)
        .ToArray();
    private static readonly byte[] Top = new TarBuilder()
        .File("a/.wh.x", "")
        .Dir("b/").File("b/.wh..wh..opq", "").File("b/new", "new")
        .ToArray();
    private static readonly TestImage BaseImage = new(["base:1"], [Base], "base-cmd");
    private static readonly TestImage AppImage = new(["app:latest", "app:v2"], [Base, Top], "app-cmd");

    public static TheoryData<string> Layouts => new() { "docker-20.10", "docker-25-oci", "docker-25-oci-gzip", "oci-index-only" };

    private static byte[] Archive(string layout) => layout switch
    {
        "docker-20.10" => SaveArchive.Docker2010(BaseImage, AppImage),
        "docker-25-oci" => SaveArchive.Oci(gzipLayers: false, withManifestJson: true, BaseImage, AppImage),
        "docker-25-oci-gzip" => TarBuilder.Gzip(SaveArchive.Oci(gzipLayers: true, withManifestJson: true, BaseImage, AppImage)),
        "oci-index-only" => SaveArchive.Oci(gzipLayers: true, withManifestJson: false, BaseImage, AppImage),
        _ => throw new ArgumentException(layout),
    };

    [Theory, MemberData(nameof(Layouts))]
    public void Load_reads_both_images_with_their_tags_config_and_layers(string layout)
    {
        using var root = new TempRoot();
        var store = new ImageStore(root.Path);
        var loaded = store.Load(new MemoryStream(Archive(layout)));

        Assert.Equal([BaseImage.Id, AppImage.Id], loaded.Select(i => i.Id).ToArray());
        var app = store.Find("app")!;
        Assert.Equal(AppImage.Id, app.Id);
        // The OCI index names one tag per entry; here both entries lead to the same image.
        Assert.Equal(["app:latest", "app:v2"], app.RepoTags.Order().ToList());
        Assert.Equal(["app-cmd"], app.Config.Cmd);
        Assert.Equal(["PATH=/bin"], app.Config.Env);
        Assert.Equal(["80/tcp"], app.Config.ExposedPorts);
        Assert.Equal(new DateTime(2023, 5, 19, 20, 19, 23, DateTimeKind.Utc), app.Created.AddTicks(-(app.Created.Ticks % TimeSpan.TicksPerSecond)));
        Assert.Equal(("amd64", "linux"), (app.Architecture, app.Os));
        Assert.Equal(["sha256:" + TarBuilder.Sha256Hex(Base), "sha256:" + TarBuilder.Sha256Hex(Top)], app.DiffIds);
        Assert.Equal(5 + 3 + 3, app.Size); // x, y, z, "shell"; new
        Assert.Equal(AppImage.Config, store.ConfigBytes(app)); // byte-exact
        Assert.Equal(["base:1"], store.Find("base:1")!.RepoTags);

        // Two layers on disk, not three: the base layer is shared.
        Assert.Equal(2, Directory.EnumerateDirectories(Path.Combine(root.Path, "image", "layers")).Count());
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(root.Path, "image", "tmp")));
    }

    [Fact]
    public void A_shared_base_layer_is_unpacked_once_and_the_dirs_are_top_most_first()
    {
        using var root = new TempRoot();
        var store = new ImageStore(root.Path);
        store.Load(new MemoryStream(SaveArchive.Docker2010(BaseImage, AppImage)));
        string baseDir = store.LayerDirs(store.Find("base:1")!, IdShift.None).Single();
        File.WriteAllText(Path.Combine(baseDir, "marker"), "unpacked once");
        var appDirs = store.LayerDirs(store.Find("app:v2")!, IdShift.None);
        Assert.Equal(2, appDirs.Count);
        Assert.Equal(baseDir, appDirs[1]);
        Assert.True(File.Exists(Path.Combine(appDirs[1], "marker")));
        Assert.True(FileStat.Exists(Path.Combine(appDirs[0], "b", "new")));
    }

    [Fact]
    public unsafe void Overlayfs_over_the_layer_dirs_shows_the_whiteouts_and_the_opaque_directory()
    {
        using var root = new TempRoot();
        var store = new ImageStore(root.Path);
        store.Load(new MemoryStream(SaveArchive.Docker2010(AppImage)));
        var dirs = store.LayerDirs(store.Find("app")!, IdShift.None);
        string merged = Directory.CreateDirectory(Path.Combine(root.Path, "merged")).FullName;
        Libc.Check(Libc.Mount("overlay", merged, "overlay", Libc.MS_RDONLY, "lowerdir=" + string.Join(':', dirs)), "mount overlay");
        try
        {
            Assert.Equal(["y"], Names(Path.Combine(merged, "a")));   // a/x whited out
            Assert.Equal(["new"], Names(Path.Combine(merged, "b"))); // b opaque: z hidden
            Assert.Equal("shell", File.ReadAllText(Path.Combine(merged, "bin", "sh")));
        }
        finally
        {
            Libc.Check(Libc.Umount2(merged, Libc.MNT_DETACH), "umount overlay");
        }
    }

    private static List<string> Names(string dir) => Directory.EnumerateFileSystemEntries(dir).Select(p => Path.GetFileName(p)).Order().ToList();

    [Fact]
    public void Loading_again_adds_nothing_and_a_tag_moves_to_the_loaded_image()
    {
        using var root = new TempRoot();
        var store = new ImageStore(root.Path);
        store.Load(new MemoryStream(SaveArchive.Docker2010(BaseImage, AppImage)));
        store.Load(new MemoryStream(SaveArchive.Oci(false, true, BaseImage, AppImage)));
        Assert.Equal(2, store.List().Count);

        var other = new TestImage(["base:1"], [Top], "other");
        store.Load(new MemoryStream(SaveArchive.Docker2010(other)));
        Assert.Equal(other.Id, store.Find("base:1")!.Id);
        var dangling = store.Find(BaseImage.Id)!;
        Assert.Empty(dangling.RepoTags);
        Assert.Equal(3, store.List().Count);
    }

    [Fact]
    public void A_layer_whose_content_is_not_the_configs_diff_id_is_refused_and_nothing_is_kept()
    {
        using var root = new TempRoot();
        var store = new ImageStore(root.Path);
        var image = new TestImage(["liar:1"], [Base]);
        // The archive carries another layer where the config says Base.
        byte[] archive = new ArchiveBuilder()
            .Add(image.Id[7..] + ".json", image.Config)
            .Add("l/layer.tar", Top)
            .Add("manifest.json", $"[{{\"Config\":\"{image.Id[7..]}.json\",\"RepoTags\":[\"liar:1\"],\"Layers\":[\"l/layer.tar\"]}}]")
            .ToArray();
        var e = Assert.Throws<MyDockerException>(() => store.Load(new MemoryStream(archive)));
        Assert.Equal($"layer l/layer.tar: its content is sha256:{TarBuilder.Sha256Hex(Top)}, the image config says sha256:{TarBuilder.Sha256Hex(Base)}", e.Message);
        Assert.Empty(store.List());
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(root.Path, "image", "layers")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(root.Path, "image", "tmp")));
    }

    [Fact]
    public void An_archive_that_is_not_a_docker_save_says_so()
    {
        using var root = new TempRoot();
        var store = new ImageStore(root.Path);
        var e = Assert.Throws<MyDockerException>(() => store.Load(new MemoryStream(new TarBuilder().File("x", "y").ToArray())));
        Assert.Equal("the archive has neither manifest.json nor index.json: not a docker save archive", e.Message);
        e = Assert.Throws<MyDockerException>(() => store.Load(new MemoryStream(Encoding.UTF8.GetBytes(new string('z', 2000)))));
        Assert.StartsWith("the archive is not a valid tar archive", e.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(root.Path, "image", "tmp")));
    }

    [Fact]
    public void A_crafted_layer_in_an_archive_is_refused()
    {
        using var root = new TempRoot();
        var store = new ImageStore(root.Path);
        byte[] evil = new TarBuilder().Symlink("a", "/etc").File("a/passwd", "pwned").ToArray();
        var e = Assert.Throws<MyDockerException>(() => store.Load(new MemoryStream(SaveArchive.Docker2010(new TestImage(["evil:1"], [evil])))));
        Assert.Contains("layer entry \"a/passwd\": parent \"a\" is a symbolic link", e.Message);
        Assert.Empty(store.List());
    }
}
