using MyDocker.Engine.Images;
using MyDocker.Spec;

namespace MyDocker.EngineTests.Images;

/// <summary>Find by every reference form Docker accepts; Tag.</summary>
public class ImageReferenceTests
{
    private static readonly TestImage Busybox = new(["busybox:latest"], [new TarBuilder().File("bin/busybox", "bb").ToArray()]);

    [Fact]
    public void Find_accepts_every_reference_form()
    {
        using var root = new TempRoot();
        var store = new ImageStore(root.Path);
        store.Load(new MemoryStream(SaveArchive.Docker2010(Busybox)));
        string id = Busybox.Id, hex = id[7..];
        foreach (string reference in new[] { "busybox:latest", "busybox", "docker.io/library/busybox:latest",
                     "docker.io/library/busybox", "library/busybox", "index.docker.io/library/busybox:latest", id, hex, hex[..4], hex[..12], "sha256:" + hex[..12] })
            Assert.True(store.Find(reference)?.Id == id, $"Find({reference})");
        foreach (string reference in new[] { "busybox:1", "other", hex[..3], "sha256:" + hex[..3], "BUSYBOX", "busybox@sha256:" + hex, "docker.io/other/busybox", "" })
            Assert.True(store.Find(reference) == null, $"Find({reference}) should find nothing");
    }

    [Fact]
    public void An_ambiguous_id_prefix_finds_nothing_and_a_tag_wins_over_an_id_prefix()
    {
        // Two images whose IDs share their first 4 hex digits: by the birthday bound a few hundred
        // configs (differing in CMD) are enough.
        byte[] layer = new TarBuilder().File("f", "1").ToArray();
        var byPrefix = new Dictionary<string, TestImage>();
        TestImage first, second;
        for (int n = 0; ; n++)
        {
            var image = new TestImage([], [layer], "cmd" + n);
            if (byPrefix.TryGetValue(image.Id[7..11], out var earlier)) { (first, second) = (earlier, image); break; }
            byPrefix[image.Id[7..11]] = image;
        }
        using var root = new TempRoot();
        var store = new ImageStore(root.Path);
        store.Load(new MemoryStream(SaveArchive.Docker2010(first, second)));
        string prefix = first.Id[7..11];
        Assert.Null(store.Find(prefix));
        int common = 4;
        while (first.Id[7 + common] == second.Id[7 + common]) common++;
        Assert.Equal(first.Id, store.Find(first.Id[7..(7 + common + 1)])!.Id);
        Assert.Equal(second.Id, store.Find(second.Id[..(7 + common + 1)])!.Id);

        // A tag that looks like a hex prefix is a tag first (as in Docker).
        store.Tag(second.Id, first.Id[7..19]);
        Assert.Equal(second.Id, store.Find(first.Id[7..19])!.Id);
        Assert.Equal(first.Id, store.Find("sha256:" + first.Id[7..19])!.Id);
    }

    [Fact]
    public void Tag_adds_a_name_normalized_and_moves_it_from_another_image()
    {
        using var root = new TempRoot();
        var store = new ImageStore(root.Path);
        var a = store.Import(new MemoryStream(new TarBuilder().File("a", "a").ToArray()), "a:1", null);
        var b = store.Import(new MemoryStream(new TarBuilder().File("b", "b").ToArray()), "b:1", null);
        store.Tag("a:1", "docker.io/library/mine");
        Assert.Equal(["a:1", "mine:latest"], store.Find("a:1")!.RepoTags.Order(StringComparer.Ordinal).ToList());
        store.Tag(b.Id[7..19], "mine:latest");
        Assert.Equal(b.Id, store.Find("mine")!.Id);
        Assert.Equal(["a:1"], store.Find(a.Id)!.RepoTags);
        store.Tag("a:1", "localhost:5000/team/app:v1.2-rc_3");
        Assert.Equal(a.Id, store.Find("localhost:5000/team/app:v1.2-rc_3")!.Id);

        // And a new store reads the tags back from repositories.json.
        var again = new ImageStore(root.Path);
        Assert.Equal(b.Id, again.Find("mine:latest")!.Id);
        Assert.Equal(["a:1", "localhost:5000/team/app:v1.2-rc_3"], again.Find(a.Id)!.RepoTags.Order(StringComparer.Ordinal).ToList());
    }

    [Fact]
    public void Tag_refuses_an_unknown_image_and_a_bad_name()
    {
        using var root = new TempRoot();
        var store = new ImageStore(root.Path);
        store.Import(new MemoryStream(new TarBuilder().File("a", "a").ToArray()), "a:1", null);
        var missing = Assert.Throws<ImageNotFoundException>(() => store.Tag("nosuch", "x:1"));
        Assert.Equal("No such image: nosuch", missing.Message);
        var bad = Assert.Throws<MyDockerException>(() => store.Tag("a:1", "Upper:1"));
        Assert.Equal("invalid reference format: \"Upper:1\" (want name[:tag], lower-case name)", bad.Message);
        Assert.Throws<MyDockerException>(() => store.Tag("a:1", "a:b:c"));
        Assert.Throws<MyDockerException>(() => store.Tag("a:1", "a:" + new string('t', 129)));
    }
}
