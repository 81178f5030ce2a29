using MyDocker.Runtime.Rootfs;
using static MyDocker.Runtime.Interop.Libc;

namespace MyDocker.RootfsTests;

/// <summary>The struct layouts of Libc.Mount.cs, checked against things whose values we know.</summary>
public unsafe class InteropTests
{
    [Fact]
    public void StatxReadsTypeAndDeviceNumbers()
    {
        Assert.Equal(0, StatxPath("/dev/null", out StatxBuf st));
        Assert.Equal(S_IFCHR, st.FileType);
        Assert.Equal(1u, st.RdevMajor);
        Assert.Equal(3u, st.RdevMinor);
        Assert.Equal(0x1b6, st.Mode & 0xfff); // 0666

        Assert.Equal(0, StatxPath("/proc", out StatxBuf dir));
        Assert.True(dir.IsDirectory);
        Assert.Equal(0u, dir.Uid);
    }

    [Fact]
    public void StatxOfAnFdDoesNotFollowSymlinks()
    {
        using var tmp = new TempDir();
        File.CreateSymbolicLink(tmp.Combine("link"), "/proc");
        int fd = OpenAt(AT_FDCWD, tmp.Combine("link"), O_PATH | O_NOFOLLOW | O_CLOEXEC, 0);
        Assert.True(fd >= 0);
        try
        {
            Assert.Equal(0, Fstatx(fd, out StatxBuf st));
            Assert.True(st.IsSymlink);
            Assert.Equal("/proc", ReadLinkAt(fd, ""));
        }
        finally { Close(fd); }
    }

    [Fact]
    public void StatfsReadsTheFilesystemMagic()
    {
        StatfsBuf st;
        Assert.Equal(0, Statfs("/proc", &st));
        Assert.Equal(PROC_SUPER_MAGIC, st.Type);
    }

    [Fact]
    public void StatvfsFlagsMatchTheMountTable()
    {
        // Compare with what /proc/self/mountinfo says about the mount holding /proc.
        var proc = MountInfo.Containing(MountInfo.ReadSelf(), "/proc")!;
        var options = proc.Options.Split(',');
        ulong flags = Remount.CurrentFlags("/proc", "test");
        Assert.Equal(options.Contains("ro"), (flags & MS_RDONLY) != 0);
        Assert.Equal(options.Contains("nosuid"), (flags & MS_NOSUID) != 0);
        Assert.Equal(options.Contains("noexec"), (flags & MS_NOEXEC) != 0);
        Assert.Equal(options.Contains("relatime"), (flags & MS_RELATIME) != 0);
    }

    [Theory]
    [InlineData(1, 3, 0x103)]
    [InlineData(5, 0, 0x500)]
    [InlineData(259, 300, 0x11032c)]          // major > 255 and minor > 255 use the split encoding
    [InlineData(4096, 1, 0x100000000001)]
    public void MakeDevMatchesGlibc(ulong major, ulong minor, ulong expected) =>
        Assert.Equal(expected, MakeDev(major, minor));

    [Fact]
    public void RealPathResolvesSymlinks()
    {
        using var tmp = new TempDir();
        Directory.CreateDirectory(tmp.Combine("real"));
        File.CreateSymbolicLink(tmp.Combine("alias"), "real");
        Assert.Equal(tmp.Combine("real"), RootfsSetup.RealPath(tmp.Combine("alias")));
    }
}
