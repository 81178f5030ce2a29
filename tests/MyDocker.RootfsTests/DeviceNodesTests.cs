using MyDocker.Runtime.Rootfs;
using MyDocker.Spec;
using MyDocker.Spec.Model;
using static MyDocker.Runtime.Interop.Libc;

namespace MyDocker.RootfsTests;

/// <summary>Device nodes and /dev links made in a plain temp directory (we run as root, so mknod works).</summary>
public sealed class DeviceNodesTests : IDisposable
{
    private readonly TempDir _tmp = new();
    private readonly string _rootfs;
    private readonly PathFd _root;

    public DeviceNodesTests()
    {
        _rootfs = _tmp.Combine("rootfs");
        Directory.CreateDirectory(_rootfs);
        _root = PathFd.OpenDirectory(_rootfs);
    }

    public void Dispose()
    {
        _root.Dispose();
        _tmp.Dispose();
    }

    private StatxBuf Stat(string inRoot)
    {
        Assert.Equal(0, Statx(AT_FDCWD, Path.Combine(_rootfs, inRoot.TrimStart('/')), AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, out var st));
        return st;
    }

    private static unsafe int Statx(int dirfd, string path, int flags, uint mask, out StatxBuf st)
    {
        StatxBuf b;
        int r = MyDocker.Runtime.Interop.Libc.Statx(dirfd, path, flags, mask, &b);
        st = b;
        return r;
    }

    [Fact]
    public void CharDeviceGetsNumbersModeAndOwner()
    {
        var d = new Device { Type = "c", Path = "/dev/net/tun", Major = 10, Minor = 200, FileMode = 0x180 /* 0600 */, Uid = 1000, Gid = 1001 };
        DeviceNodes.Create(_root, d, "linux.devices[0]");
        var st = Stat("/dev/net/tun");
        Assert.Equal(S_IFCHR, st.FileType);
        Assert.Equal((10u, 200u), (st.RdevMajor, st.RdevMinor));
        Assert.Equal(0x180, st.Mode & 0xfff);
        Assert.Equal((1000u, 1001u), (st.Uid, st.Gid));
    }

    [Fact]
    public void BlockDeviceUnbufferedCharAndFifo()
    {
        DeviceNodes.Create(_root, new Device { Type = "b", Path = "/dev/loop7", Major = 7, Minor = 7 }, "d0");
        DeviceNodes.Create(_root, new Device { Type = "u", Path = "/dev/u", Major = 1, Minor = 5 }, "d1");
        DeviceNodes.Create(_root, new Device { Type = "p", Path = "/dev/fifo" }, "d2");
        Assert.Equal(S_IFBLK, Stat("/dev/loop7").FileType);
        Assert.Equal(S_IFCHR, Stat("/dev/u").FileType);
        var fifo = Stat("/dev/fifo");
        Assert.Equal(S_IFIFO, fifo.FileType);
        Assert.Equal(0x1b6, fifo.Mode & 0xfff); // default 0666, whatever the umask
    }

    [Fact]
    public void ReplacesAStaleFileFromTheImage()
    {
        Directory.CreateDirectory(Path.Combine(_rootfs, "dev"));
        File.WriteAllText(Path.Combine(_rootfs, "dev/null"), "not a device");
        DeviceNodes.Create(_root, DefaultDevices.All[0], "default device /dev/null");
        var st = Stat("/dev/null");
        Assert.Equal(S_IFCHR, st.FileType);
        Assert.Equal((1u, 3u), (st.RdevMajor, st.RdevMinor));
    }

    [Fact]
    public void ADeviceNeverLandsOutsideThroughASymlink()
    {
        string outside = _tmp.Combine("outside");
        Directory.CreateDirectory(outside);
        File.CreateSymbolicLink(Path.Combine(_rootfs, "dev"), "../outside");
        var e = Assert.Throws<MyDockerException>(() =>
            DeviceNodes.Create(_root, new Device { Type = "c", Path = "/dev/null", Major = 1, Minor = 3 }, "linux.devices[2]"));
        Assert.Equal("linux.devices[2]: path /dev escapes the rootfs through symlink /dev", e.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(outside));
    }

    [Fact]
    public void BadDevicesAreOneLineErrors()
    {
        var e1 = Assert.Throws<MyDockerException>(() => DeviceNodes.Create(_root, new Device { Type = "x", Path = "/dev/a", Major = 1, Minor = 1 }, "linux.devices[0]"));
        Assert.Equal("linux.devices[0]: device /dev/a has unknown type \"x\" (want c, b, u or p)", e1.Message);
        var e2 = Assert.Throws<MyDockerException>(() => DeviceNodes.Create(_root, new Device { Type = "c", Path = "/dev/a" }, "linux.devices[1]"));
        Assert.Equal("linux.devices[1]: device /dev/a needs major and minor numbers", e2.Message);
        var e3 = Assert.Throws<MyDockerException>(() => DeviceNodes.Create(_root, new Device { Type = "c", Path = "/dev/..", Major = 1, Minor = 3 }, "linux.devices[2]"));
        Assert.Equal("linux.devices[2]: path \"/dev/..\" does not name a file", e3.Message);
    }

    [Fact]
    public void DefaultDevicesSkipThoseTheConfigLists()
    {
        var own = new Device { Type = "c", Path = "/dev/zero", Major = 1, Minor = 5, FileMode = 0x1a0 /* 0640 */ };
        DefaultDevices.Create(_root, [own]);
        foreach (var d in DefaultDevices.All.Where(d => d.Path != "/dev/zero"))
        {
            var st = Stat(d.Path);
            Assert.Equal(S_IFCHR, st.FileType);
            Assert.Equal(((uint)d.Major!.Value, (uint)d.Minor!.Value), (st.RdevMajor, st.RdevMinor));
            Assert.Equal(0x1b6, st.Mode & 0xfff);
        }
        Assert.False(File.Exists(Path.Combine(_rootfs, "dev/zero"))); // left to linux.devices
    }

    [Fact]
    public void DevSymlinksPointIntoProcAndKeepExistingEntries()
    {
        Directory.CreateDirectory(Path.Combine(_rootfs, "dev"));
        File.CreateSymbolicLink(Path.Combine(_rootfs, "dev/stderr"), "/somewhere/else");
        DevSymlinks.Create(_root);
        string Link(string name) => ReadLinkAt(AT_FDCWD, Path.Combine(_rootfs, "dev", name))!;
        Assert.Equal("/proc/self/fd", Link("fd"));
        Assert.Equal("/proc/self/fd/0", Link("stdin"));
        Assert.Equal("/proc/self/fd/1", Link("stdout"));
        Assert.Equal("/somewhere/else", Link("stderr"));
        // /dev/core only where the host kernel has /proc/kcore.
        bool hasCore = ReadLinkAt(AT_FDCWD, Path.Combine(_rootfs, "dev/core")) is not null;
        Assert.Equal(File.Exists("/proc/kcore"), hasCore);
    }

    [Fact]
    public void PtmxReplacesWhatWasThere()
    {
        Directory.CreateDirectory(Path.Combine(_rootfs, "dev"));
        File.WriteAllText(Path.Combine(_rootfs, "dev/ptmx"), "old");
        DevSymlinks.CreatePtmx(_root);
        Assert.Equal("pts/ptmx", ReadLinkAt(AT_FDCWD, Path.Combine(_rootfs, "dev/ptmx")));
    }
}
