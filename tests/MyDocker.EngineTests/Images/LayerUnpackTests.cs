using MyDocker.Engine.Images;
using MyDocker.Runtime.Interop;
using MyDocker.Spec;

namespace MyDocker.EngineTests.Images;

/// <summary>docker import, then the layer unpacked on disk, checked with lstat (root needed: mknod, chown).</summary>
public class LayerUnpackTests
{
    private static readonly IdShift Shifted = new(100000, 65536);

    private static byte[] EveryKindTar() => new TarBuilder()
        .Dir("etc/", 0x1ED)
        .File("etc/passwd", "root:x:0:0::/root:/bin/sh\n", 0x1A4)
        .Dir("home/user/", 0x1C0, uid: 1000, gid: 1000)
        .File("home/user/notes", "hi", 0x180, uid: 1000, gid: 1001)
        .File("bin/su", "not really ELF", 0x9ED /* 04755 */)
        .Dir("tmp/", 0x3FF /* 01777 */)
        .Symlink("bin/sh", "busybox")
        .Symlink("etc/abs", "/etc/passwd", uid: 7, gid: 8)
        .HardLink("etc/passwd-link", "etc/passwd")
        .Fifo("run/fifo", 0x190 /* 0620 */, uid: 5, gid: 6)
        .Device("dev/null", block: false, 1, 3, 0x1B6)
        .Device("dev/loop0", block: true, 7, 0, 0x1B0 /* 0660 */, gid: 6)
        .ToArray();

    [Fact]
    public void Import_unpacks_every_entry_kind_with_its_mode_owner_and_time()
    {
        using var root = new TempRoot();
        var store = new ImageStore(root.Path);
        var image = store.Import(new MemoryStream(EveryKindTar()), "every:kind", null);
        var dirs = store.LayerDirs(image, IdShift.None);
        Assert.Single(dirs);
        CheckTree(dirs[0], 0);
    }

    [Fact]
    public void A_shifted_unpacking_owns_every_file_by_host_start_plus_uid_and_is_a_separate_copy()
    {
        using var root = new TempRoot();
        var store = new ImageStore(root.Path);
        var image = store.Import(new MemoryStream(EveryKindTar()), null, null);
        string plain = store.LayerDirs(image, IdShift.None)[0];
        string shifted = store.LayerDirs(image, Shifted)[0];
        Assert.NotEqual(plain, shifted);
        Assert.EndsWith("/100000-65536/diff", shifted);
        CheckTree(shifted, 100000);
        CheckTree(plain, 0);
    }

    private static void CheckTree(string dir, uint shift)
    {
        long mtime = TarBuilder.Time.ToUnixTimeSeconds();
        var rootSt = FileStat.Lstat(dir);
        Assert.True(rootSt.IsDirectory);
        Assert.Equal(shift, rootSt.Uid);

        var passwd = FileStat.Lstat($"{dir}/etc/passwd");
        Assert.Equal(Libc.S_IFREG, passwd.FileType);
        Assert.Equal(0x1A4, passwd.Perm());
        Assert.Equal("root:x:0:0::/root:/bin/sh\n", File.ReadAllText($"{dir}/etc/passwd"));
        Assert.Equal(mtime, passwd.Mtime.Sec);
        Assert.Equal(2u, passwd.Nlink); // etc/passwd-link
        Assert.Equal(passwd.Ino, FileStat.Lstat($"{dir}/etc/passwd-link").Ino);

        var home = FileStat.Lstat($"{dir}/home/user");
        Assert.True(home.IsDirectory);
        Assert.Equal(0x1C0, home.Perm());
        Assert.Equal((shift + 1000, shift + 1000), (home.Uid, home.Gid));
        Assert.Equal(mtime, home.Mtime.Sec); // set after its file was made in it
        var notes = FileStat.Lstat($"{dir}/home/user/notes");
        Assert.Equal((shift + 1000, shift + 1001), (notes.Uid, notes.Gid));
        Assert.Equal(0x180, notes.Perm());

        var su = FileStat.Lstat($"{dir}/bin/su");
        Assert.Equal(0x9ED, su.Perm()); // setuid survives the chown
        Assert.Equal(shift, su.Uid);
        Assert.Equal(0x3FF, FileStat.Lstat($"{dir}/tmp").Perm());
        // A parent the tar does not list: made 0755, owned by the container's root.
        var bin = FileStat.Lstat($"{dir}/bin");
        Assert.Equal((0x1ED, shift, shift), (bin.Perm(), bin.Uid, bin.Gid));

        var sh = FileStat.Lstat($"{dir}/bin/sh");
        Assert.True(sh.IsSymlink);
        Assert.Equal("busybox", new FileInfo($"{dir}/bin/sh").LinkTarget);
        var abs = FileStat.Lstat($"{dir}/etc/abs");
        Assert.Equal("/etc/passwd", new FileInfo($"{dir}/etc/abs").LinkTarget);
        Assert.Equal((shift + 7, shift + 8), (abs.Uid, abs.Gid)); // lchown: the link itself
        Assert.Equal(mtime, abs.Mtime.Sec);

        var fifo = FileStat.Lstat($"{dir}/run/fifo");
        Assert.Equal(Libc.S_IFIFO, fifo.FileType);
        Assert.Equal((0x190, shift + 5, shift + 6), (fifo.Perm(), fifo.Uid, fifo.Gid));

        var devNull = FileStat.Lstat($"{dir}/dev/null");
        Assert.Equal(Libc.S_IFCHR, devNull.FileType);
        Assert.Equal((1u, 3u, 0x1B6), (devNull.RdevMajor, devNull.RdevMinor, devNull.Perm()));
        var loop = FileStat.Lstat($"{dir}/dev/loop0");
        Assert.Equal(Libc.S_IFBLK, loop.FileType);
        Assert.Equal((7u, 0u, shift + 6), (loop.RdevMajor, loop.RdevMinor, loop.Gid));
    }

    [Fact]
    public void Whiteouts_become_overlayfs_whiteouts_and_opaque_directories()
    {
        using var root = new TempRoot();
        var store = new ImageStore(root.Path);
        var tar = new TarBuilder()
            .File(".wh.gone", "", uid: 3, gid: 4)
            .Dir("dir/")
            .File("dir/.wh..wh..opq", "")
            .File("dir/keep", "k")
            .Dir("other/")
            .ToArray();
        var image = store.Import(new MemoryStream(tar), null, null);
        foreach (var shift in new[] { IdShift.None, Shifted })
        {
            string dir = store.LayerDirs(image, shift)[0];
            var gone = FileStat.Lstat($"{dir}/gone");
            Assert.Equal(Libc.S_IFCHR, gone.FileType);
            Assert.Equal((0u, 0u), (gone.RdevMajor, gone.RdevMinor));
            Assert.Equal((shift.Map(3), shift.Map(4)), (gone.Uid, gone.Gid));
            Assert.False(FileStat.Exists($"{dir}/.wh.gone"));
            Assert.Equal("y", FileStat.Xattr($"{dir}/dir", "trusted.overlay.opaque"));
            Assert.False(FileStat.Exists($"{dir}/dir/.wh..wh..opq"));
            Assert.True(FileStat.Exists($"{dir}/dir/keep"));
            Assert.Null(FileStat.Xattr($"{dir}/other", "trusted.overlay.opaque"));
        }
    }

    [Fact]
    public void A_uid_outside_the_shift_fails_naming_the_file_and_leaves_no_directory()
    {
        using var root = new TempRoot();
        var store = new ImageStore(root.Path);
        var tar = new TarBuilder().File("ok", "1").File("big/uid", "x", uid: 70000).ToArray();
        var image = store.Import(new MemoryStream(tar), null, null);
        Assert.Equal(70000u, FileStat.Lstat(store.LayerDirs(image, IdShift.None)[0] + "/big/uid").Uid);

        var e = Assert.Throws<MyDockerException>(() => store.LayerDirs(image, Shifted));
        Assert.Contains("layer entry \"big/uid\": uid 70000 is outside the id map", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        string layerDir = Path.Combine(root.Path, "image", "layers", image.DiffIds[0][7..]);
        Assert.Equal(["layer.tar", "none", "size"], Directory.EnumerateFileSystemEntries(layerDir).Select(p => Path.GetFileName(p)).Order().ToList());
    }

    [Fact]
    public void A_layer_is_unpacked_once_per_shift()
    {
        using var root = new TempRoot();
        var store = new ImageStore(root.Path);
        var image = store.Import(new MemoryStream(new TarBuilder().File("f", "1").ToArray()), null, null);
        string dir = store.LayerDirs(image, IdShift.None)[0];
        File.WriteAllText(Path.Combine(dir, "marker"), "still here");
        Assert.Equal(dir, store.LayerDirs(image, IdShift.None)[0]);
        Assert.True(File.Exists(Path.Combine(dir, "marker")));
        // And a new store on the same root finds it unpacked too.
        Assert.True(File.Exists(Path.Combine(new ImageStore(root.Path).LayerDirs(image, IdShift.None)[0], "marker")));
    }

    [Fact]
    public void Import_accepts_a_gzip_compressed_tar_and_its_diff_id_is_the_plain_tars_sha256()
    {
        using var root = new TempRoot();
        var store = new ImageStore(root.Path);
        byte[] tar = new TarBuilder().File("f", "content").ToArray();
        var image = store.Import(new MemoryStream(TarBuilder.Gzip(tar)), "gz:1", null);
        Assert.Equal(["sha256:" + TarBuilder.Sha256Hex(tar)], image.DiffIds);
        Assert.Equal(7, image.Size);
        Assert.Equal("content", File.ReadAllText(store.LayerDirs(image, IdShift.None)[0] + "/f"));
    }

    [Fact]
    public void Import_applies_the_changes_and_the_id_is_the_sha256_of_the_stored_config()
    {
        using var root = new TempRoot();
        var store = new ImageStore(root.Path);
        var image = store.Import(new MemoryStream(new TarBuilder().File("f", "x").ToArray()), "changed:v1",
            ["CMD [\"sh\", \"-c\", \"echo hi\"]", "ENV A=1 B=\"two words\"", "ENV C hello world", "WORKDIR /srv",
             "ENTRYPOINT /bin/init --flag", "USER nobody", "LABEL a=b", "EXPOSE 80 53/udp"]);
        Assert.Equal(["sh", "-c", "echo hi"], image.Config.Cmd);
        Assert.Equal(["A=1", "B=two words", "C=hello world"], image.Config.Env);
        Assert.Equal("/srv", image.Config.WorkingDir);
        Assert.Equal(["/bin/sh", "-c", "/bin/init --flag"], image.Config.Entrypoint);
        Assert.Equal("nobody", image.Config.User);
        Assert.Equal("b", image.Config.Labels!["a"]);
        Assert.Equal(["80/tcp", "53/udp"], image.Config.ExposedPorts);
        Assert.Equal(["changed:v1"], image.RepoTags);
        Assert.Equal("linux", image.Os);
        Assert.True((DateTime.UtcNow - image.Created).Duration() < TimeSpan.FromMinutes(1));
        byte[] config = store.ConfigBytes(image);
        Assert.Equal(image.Id, "sha256:" + TarBuilder.Sha256Hex(config));
        // A new store reads the same image back from disk.
        var again = new ImageStore(root.Path).Find("changed:v1")!;
        Assert.Equal(image.Id, again.Id);
        Assert.Equal(image.Config.Env, again.Config.Env);
    }

    [Fact]
    public void An_unknown_change_instruction_is_refused_before_anything_is_stored()
    {
        using var root = new TempRoot();
        var store = new ImageStore(root.Path);
        var e = Assert.Throws<MyDockerException>(() =>
            store.Import(new MemoryStream(new TarBuilder().File("f", "x").ToArray()), null, ["RUN rm -rf /"]));
        Assert.StartsWith("--change \"RUN rm -rf /\": RUN is not an instruction", e.Message);
        Assert.Empty(store.List());
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(root.Path, "image", "layers")));
    }

    [Fact]
    public void A_truncated_tar_is_refused_in_one_line_and_nothing_stays()
    {
        using var root = new TempRoot();
        var store = new ImageStore(root.Path);
        byte[] tar = new TarBuilder().File("f", new string('x', 5000)).ToArray();
        var e = Assert.Throws<MyDockerException>(() => store.Import(new MemoryStream(tar[..3000]), null, null));
        Assert.Equal("the imported tar: not a valid tar archive: it ends in the middle of an entry (truncated?)", e.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(root.Path, "image", "tmp")));
        Assert.Empty(store.List());
    }
}
