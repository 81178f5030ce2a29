using MyDocker.Runtime.Rootfs;
using MyDocker.Spec;
using static MyDocker.Runtime.Interop.Libc;

namespace MyDocker.RootfsTests;

/// <summary>SafePath on plain temp directories: no mounts needed, every case checked on disk.</summary>
public sealed class SafePathTests : IDisposable
{
    private readonly TempDir _tmp = new();
    private readonly string _rootfs;
    private readonly string _outside;
    private readonly PathFd _root;

    public SafePathTests()
    {
        _rootfs = _tmp.Combine("rootfs");
        _outside = _tmp.Combine("outside");
        Directory.CreateDirectory(_rootfs);
        Directory.CreateDirectory(_outside);
        _root = PathFd.OpenDirectory(_rootfs);
    }

    public void Dispose()
    {
        _root.Dispose();
        _tmp.Dispose();
    }

    private string InRootfs(string relative) => Path.Combine(_rootfs, relative);

    /// <summary>What the fd really points at, as the kernel sees it.</summary>
    private static string Target(PathFd fd) => ReadLinkAt(AT_FDCWD, fd.ProcPath)!;

    [Fact]
    public void CreatesMissingDirectories()
    {
        using var fd = SafePath.Open(_root, "/a/b/c", CreateAs.Directory);
        Assert.Equal("/a/b/c", fd.InRootPath);
        Assert.True(fd.IsDirectory);
        Assert.True(Directory.Exists(InRootfs("a/b/c")));
        Assert.Equal(InRootfs("a/b/c"), Target(fd));
    }

    [Fact]
    public void CreatesAnEmptyFileAsTheLastComponent()
    {
        using var fd = SafePath.Open(_root, "/etc/resolv.conf", CreateAs.File);
        Assert.Equal(S_IFREG, fd.FileType);
        Assert.True(Directory.Exists(InRootfs("etc")));
        Assert.True(File.Exists(InRootfs("etc/resolv.conf")));
        Assert.Equal(0, new FileInfo(InRootfs("etc/resolv.conf")).Length);
    }

    [Fact]
    public void OpensExistingThingsWithoutChangingThem()
    {
        Directory.CreateDirectory(InRootfs("etc"));
        File.WriteAllText(InRootfs("etc/hosts"), "127.0.0.1 localhost\n");
        using var fd = SafePath.Open(_root, "etc//./hosts", CreateAs.File);
        Assert.Equal("/etc/hosts", fd.InRootPath);
        Assert.Equal("127.0.0.1 localhost\n", File.ReadAllText(InRootfs("etc/hosts")));
    }

    [Fact]
    public void AbsoluteSymlinkIsResolvedInsideTheRootfs()
    {
        // debootstrap layout: /var/run -> /run. A mount at /var/run/lock must land in rootfs/run/lock.
        Directory.CreateDirectory(InRootfs("var"));
        Directory.CreateDirectory(InRootfs("run"));
        File.CreateSymbolicLink(InRootfs("var/run"), "/run");
        using var fd = SafePath.Open(_root, "/var/run/lock", CreateAs.Directory);
        Assert.Equal("/run/lock", fd.InRootPath);
        Assert.True(Directory.Exists(InRootfs("run/lock")));
        Assert.Equal(InRootfs("run/lock"), Target(fd));
    }

    [Fact]
    public void AbsoluteSymlinkToAHostPathStaysInside()
    {
        // rootfs/etc -> /tmp/.../outside (the host path!): taken as a path inside the rootfs.
        File.CreateSymbolicLink(InRootfs("etc"), _outside);
        using var fd = SafePath.Open(_root, "/etc/x", CreateAs.Directory);
        Assert.Equal(_outside + "/x", fd.InRootPath);
        Assert.Equal(InRootfs(_outside.TrimStart('/') + "/x"), Target(fd));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_outside));
    }

    [Fact]
    public void RelativeSymlinkEscapingWithDotDotIsOneClearError()
    {
        File.CreateSymbolicLink(InRootfs("etc"), "../outside");
        var e = Assert.Throws<MyDockerException>(() =>
            SafePath.Open(_root, "/etc/x", CreateAs.Directory, "mounts[3]: destination"));
        Assert.Equal("mounts[3]: destination /etc/x escapes the rootfs through symlink /etc", e.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_outside));
    }

    [Fact]
    public void DeepRelativeSymlinkEscapeNamesThatSymlink()
    {
        Directory.CreateDirectory(InRootfs("a/b"));
        File.CreateSymbolicLink(InRootfs("a/b/up"), "../../../outside");
        var e = Assert.Throws<MyDockerException>(() =>
            SafePath.Open(_root, "/a/b/up/file", CreateAs.File, "mounts[0]: destination"));
        Assert.Equal("mounts[0]: destination /a/b/up/file escapes the rootfs through symlink /a/b/up", e.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_outside));
    }

    [Fact]
    public void AbsoluteSymlinkWithDotDotAboveRootIsAnError()
    {
        File.CreateSymbolicLink(InRootfs("link"), "/../outside");
        var e = Assert.Throws<MyDockerException>(() => SafePath.Open(_root, "/link", CreateAs.Directory, "mounts[1]: destination"));
        Assert.Equal("mounts[1]: destination /link escapes the rootfs through symlink /link", e.Message);
    }

    [Fact]
    public void DotDotInTheDestinationItselfIsAnError()
    {
        var e = Assert.Throws<MyDockerException>(() => SafePath.Open(_root, "/a/../../outside", CreateAs.Directory, "mounts[2]: destination"));
        Assert.Equal("mounts[2]: destination /a/../../outside escapes the rootfs through \"..\"", e.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_outside));
    }

    [Fact]
    public void DotDotThatStaysInsideIsFine()
    {
        Directory.CreateDirectory(InRootfs("a/b"));
        File.CreateSymbolicLink(InRootfs("a/link"), "../c");
        using var viaLink = SafePath.Open(_root, "/a/link/d", CreateAs.Directory);
        Assert.Equal("/c/d", viaLink.InRootPath);
        Assert.True(Directory.Exists(InRootfs("c/d")));
        using var plain = SafePath.Open(_root, "/a/b/../b", CreateAs.Nothing);
        Assert.Equal("/a/b", plain.InRootPath);
    }

    [Fact]
    public void SymlinkLoopIsAnError()
    {
        File.CreateSymbolicLink(InRootfs("loop1"), "loop2");
        File.CreateSymbolicLink(InRootfs("loop2"), "/loop1");
        var e = Assert.Throws<MyDockerException>(() => SafePath.Open(_root, "/loop1/x", CreateAs.Directory, "mounts[5]: destination"));
        Assert.StartsWith("mounts[5]: destination /loop1/x: too many levels of symbolic links (more than 40", e.Message);
        Assert.Equal(ELOOP, e.Errno);
    }

    [Fact]
    public void FortySymlinkHopsAreStillAllowed()
    {
        // l0 -> l1 -> ... -> l39 -> dir: exactly 40 hops.
        Directory.CreateDirectory(InRootfs("dir"));
        for (int i = 0; i < 40; i++)
            File.CreateSymbolicLink(InRootfs($"l{i}"), i == 39 ? "dir" : $"l{i + 1}");
        using var fd = SafePath.Open(_root, "/l0", CreateAs.Nothing);
        Assert.Equal("/dir", fd.InRootPath);
    }

    [Fact]
    public void DanglingAbsoluteSymlinkGetsItsTargetCreatedInside()
    {
        string unique = "/run/mydocker-test-" + Guid.NewGuid().ToString("N")[..8];
        Directory.CreateDirectory(InRootfs("etc"));
        File.CreateSymbolicLink(InRootfs("etc/resolv.conf"), unique + "/stub-resolv.conf");
        using var fd = SafePath.Open(_root, "/etc/resolv.conf", CreateAs.File);
        Assert.Equal(unique + "/stub-resolv.conf", fd.InRootPath);
        Assert.True(File.Exists(InRootfs(unique.TrimStart('/') + "/stub-resolv.conf")));
        Assert.False(Directory.Exists(unique)); // the host's /run was not touched
    }

    [Fact]
    public void FileInTheMiddleIsNotADirectory()
    {
        File.WriteAllText(InRootfs("file"), "x");
        var e = Assert.Throws<MyDockerException>(() => SafePath.Open(_root, "/file/sub", CreateAs.Directory, "mounts[0]: destination"));
        Assert.Equal("mounts[0]: destination /file/sub: /file is not a directory", e.Message);
    }

    [Fact]
    public void MissingWithoutCreateIsAnErrorOrNull()
    {
        var e = Assert.Throws<MyDockerException>(() => SafePath.Open(_root, "/no/such", CreateAs.Nothing, "linux.devices[0]: path"));
        Assert.Equal("linux.devices[0]: path /no/such: /no does not exist", e.Message);
        Assert.Null(SafePath.TryOpen(_root, "/no/such"));
        Assert.False(Directory.Exists(InRootfs("no")));
    }

    [Fact]
    public void RootItselfResolvesToTheRootfs()
    {
        using var fd = SafePath.Open(_root, "/");
        Assert.Equal("/", fd.InRootPath);
        Assert.Equal(_rootfs, Target(fd));
        Assert.NotEqual(_root.Fd, fd.Fd); // its own fd: disposing it must not close the root
    }

    [Theory]
    [InlineData("/dev", "/dev")]
    [InlineData("//dev/./pts/", "/dev/pts")]
    [InlineData("dev", "/dev")]
    [InlineData("/a/../b", "/b")]
    [InlineData("/../..", "/")]
    public void CleanIsLexical(string input, string expected) => Assert.Equal(expected, SafePath.Clean(input));
}
