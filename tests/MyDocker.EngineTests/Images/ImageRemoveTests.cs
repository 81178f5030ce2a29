using MyDocker.Engine.Images;

namespace MyDocker.EngineTests.Images;

/// <summary>DELETE /images/{name}: untag or delete, conflicts, and the layers that go with the last image using them.</summary>
public sealed class ImageRemoveTests : IDisposable
{
    private static readonly byte[] Base = new TarBuilder().File("base", "b").ToArray();
    private static readonly byte[] Top = new TarBuilder().File("top", "t").ToArray();
    private static readonly TestImage BaseImage = new(["base:1"], [Base]);
    private static readonly TestImage AppImage = new(["app:latest", "app:v2"], [Base, Top]);
    private static readonly Func<string, bool> NotInUse = _ => false;

    private readonly TempRoot _root = new();
    private readonly ImageStore _store;

    public ImageRemoveTests()
    {
        _store = new ImageStore(_root.Path);
        _store.Load(new MemoryStream(SaveArchive.Docker2010(BaseImage, AppImage)));
    }

    public void Dispose() => _root.Dispose();

    private string LayerDir(byte[] layer) => Path.Combine(_root.Path, "image", "layers", TarBuilder.Sha256Hex(layer));
    private string ConfigFile(TestImage image) => Path.Combine(_root.Path, "image", "imagedb", "content", "sha256", image.Id[7..]);

    [Fact]
    public void A_tag_of_an_image_with_other_tags_is_only_untagged()
    {
        Assert.Equal([("Untagged", "app:v2")], _store.Remove("app:v2", force: false, NotInUse));
        Assert.Equal(["app:latest"], _store.Find(AppImage.Id)!.RepoTags);
        Assert.Null(_store.Find("app:v2"));
        Assert.True(File.Exists(ConfigFile(AppImage)));
    }

    [Fact]
    public void The_last_tag_deletes_the_image_and_the_layers_no_other_image_has()
    {
        var app = _store.Find("app")!;
        string topDir = _store.LayerDirs(app, IdShift.None)[0];
        _store.LayerDirs(app, new IdShift(100000, 65536));
        _store.Remove("app:v2", false, NotInUse);
        var answer = _store.Remove("docker.io/library/app", false, NotInUse);
        Assert.Equal([("Untagged", "app:latest"), ("Deleted", AppImage.Id)], answer);
        Assert.Null(_store.Find(AppImage.Id));
        Assert.False(File.Exists(ConfigFile(AppImage)));
        Assert.False(Directory.Exists(LayerDir(Top)));
        Assert.False(Directory.Exists(topDir));
        // The base layer stays: base:1 has it, and so does its unpacked copy.
        Assert.True(Directory.Exists(Path.Combine(LayerDir(Base), "none", "diff")));
        Assert.Single(_store.LayerDirs(_store.Find("base:1")!, IdShift.None));

        var fresh = new ImageStore(_root.Path);
        Assert.Null(fresh.Find("app"));
        Assert.Single(fresh.List());
    }

    [Fact]
    public void By_id_an_image_with_several_tags_needs_force_then_loses_all()
    {
        var e = Assert.Throws<ImageConflictException>(() => _store.Remove(AppImage.Id[7..19], false, NotInUse));
        Assert.Equal($"conflict: unable to delete {AppImage.Id[7..19]} (must be forced) - image is referenced in multiple repositories", e.Message);
        Assert.Equal(2, _store.Find(AppImage.Id)!.RepoTags.Count);

        var answer = _store.Remove(AppImage.Id, force: true, NotInUse);
        Assert.Equal([("Untagged", "app:latest"), ("Untagged", "app:v2"), ("Deleted", AppImage.Id)], answer);
        Assert.Equal(["base:1"], _store.List().SelectMany(i => i.RepoTags).ToList());
    }

    [Fact]
    public void An_image_a_container_uses_is_never_deleted_but_may_lose_a_tag_it_has_twice()
    {
        var asked = new List<string>();
        bool InUse(string id) { asked.Add(id); return id == AppImage.Id; }

        Assert.Equal([("Untagged", "app:v2")], _store.Remove("app:v2", false, InUse));
        var e = Assert.Throws<ImageInUseException>(() => _store.Remove("app:latest", force: true, InUse));
        Assert.Equal($"conflict: unable to delete \"app:latest\" ({AppImage.Id[7..19]}) - image is being used by a container", e.Message);
        Assert.Equal([AppImage.Id], asked);
        Assert.Equal(["app:latest"], _store.Find(AppImage.Id)!.RepoTags);
        Assert.True(Directory.Exists(LayerDir(Top)));
        // An image no container uses goes as usual.
        Assert.Equal([("Untagged", "base:1"), ("Deleted", BaseImage.Id)], _store.Remove("base:1", false, InUse));
        Assert.True(Directory.Exists(LayerDir(Base))); // app still has it
    }

    [Fact]
    public void An_unknown_reference_is_not_found()
    {
        var e = Assert.Throws<ImageNotFoundException>(() => _store.Remove("nosuch:1", false, NotInUse));
        Assert.Equal("No such image: nosuch:1", e.Message);
        Assert.Equal(2, _store.List().Count);
    }

    [Fact]
    public void A_dangling_image_is_deleted_by_id_and_a_record_from_before_is_not_found_for_layer_dirs()
    {
        var other = new TestImage(["base:1"], [Top], "other");
        _store.Load(new MemoryStream(SaveArchive.Docker2010(other))); // base:1 moves: BaseImage dangles
        var dangling = _store.Find(BaseImage.Id)!;
        Assert.Equal([("Deleted", BaseImage.Id)], _store.Remove(BaseImage.Id[7..11], false, NotInUse));
        Assert.Throws<ImageNotFoundException>(() => _store.LayerDirs(dangling, IdShift.None));
    }
}
