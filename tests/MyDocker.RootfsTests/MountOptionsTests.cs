using MyDocker.Runtime.Rootfs;
using MyDocker.Spec;
using static MyDocker.Runtime.Interop.Libc;

namespace MyDocker.RootfsTests;

public class MountOptionsTests
{
    [Theory]
    [InlineData("ro", MS_RDONLY)]
    [InlineData("nosuid", MS_NOSUID)]
    [InlineData("nodev", MS_NODEV)]
    [InlineData("noexec", MS_NOEXEC)]
    [InlineData("sync", MS_SYNCHRONOUS)]
    [InlineData("dirsync", MS_DIRSYNC)]
    [InlineData("remount", MS_REMOUNT)]
    [InlineData("mand", MS_MANDLOCK)]
    [InlineData("noatime", MS_NOATIME)]
    [InlineData("nodiratime", MS_NODIRATIME)]
    [InlineData("relatime", MS_RELATIME)]
    [InlineData("strictatime", MS_STRICTATIME)]
    [InlineData("lazytime", MS_LAZYTIME)]
    [InlineData("bind", MS_BIND)]
    [InlineData("rbind", MS_BIND | MS_REC)]
    public void SettingOptionSetsItsFlag(string option, ulong flag)
    {
        var o = MountOptions.Parse([option]);
        Assert.Equal(flag, o.Flags);
        Assert.Equal("", o.Data);
        Assert.Empty(o.Propagation);
    }

    [Theory]
    [InlineData("ro", "rw", MS_RDONLY)]
    [InlineData("nosuid", "suid", MS_NOSUID)]
    [InlineData("nodev", "dev", MS_NODEV)]
    [InlineData("noexec", "exec", MS_NOEXEC)]
    [InlineData("sync", "async", MS_SYNCHRONOUS)]
    [InlineData("mand", "nomand", MS_MANDLOCK)]
    [InlineData("noatime", "atime", MS_NOATIME)]
    [InlineData("nodiratime", "diratime", MS_NODIRATIME)]
    [InlineData("relatime", "norelatime", MS_RELATIME)]
    [InlineData("strictatime", "nostrictatime", MS_STRICTATIME)]
    public void ClearingOptionUndoesTheEarlierOne(string set, string clear, ulong flag)
    {
        Assert.Equal(0UL, MountOptions.Parse([set, clear]).Flags & flag);
        Assert.Equal(flag, MountOptions.Parse([clear, set]).Flags & flag);
        Assert.Equal("", MountOptions.Parse([set, clear]).Data); // "rw" etc. must not leak into data
    }

    [Fact]
    public void TypicalDevMountSplitsIntoFlagsAndData()
    {
        var o = MountOptions.Parse(["nosuid", "strictatime", "mode=755", "size=65536k"]);
        Assert.Equal(MS_NOSUID | MS_STRICTATIME, o.Flags);
        Assert.Equal("mode=755,size=65536k", o.Data);
        Assert.False(o.IsBind);
    }

    [Fact]
    public void DevptsDataKeepsOrder()
    {
        var o = MountOptions.Parse(["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]);
        Assert.Equal(MS_NOSUID | MS_NOEXEC, o.Flags);
        Assert.Equal("newinstance,ptmxmode=0666,mode=0620,gid=5", o.Data);
    }

    [Fact]
    public void PropagationOptionsAreKeptInOrderAndOutOfFlags()
    {
        var o = MountOptions.Parse(["rbind", "rprivate", "shared", "slave", "rslave", "unbindable", "runbindable", "private", "rshared"]);
        Assert.Equal(MS_BIND | MS_REC, o.Flags);
        Assert.Equal(
            [MS_PRIVATE | MS_REC, MS_SHARED, MS_SLAVE, MS_SLAVE | MS_REC, MS_UNBINDABLE, MS_UNBINDABLE | MS_REC, MS_PRIVATE, MS_SHARED | MS_REC],
            o.Propagation);
    }

    [Fact]
    public void TmpcopyupIsIgnored()
    {
        var o = MountOptions.Parse(["tmpcopyup", "mode=1777"]);
        Assert.Equal(0UL, o.Flags);
        Assert.Equal("mode=1777", o.Data);
    }

    [Fact]
    public void BindNeedsRemountOnlyForFlagsTheFirstCallIgnores()
    {
        Assert.False(MountOptions.Parse(["rbind"]).BindNeedsRemount);
        Assert.False(MountOptions.Parse(["bind", "rprivate"]).BindNeedsRemount);
        Assert.True(MountOptions.Parse(["rbind", "ro"]).BindNeedsRemount);
        Assert.True(MountOptions.Parse(["bind", "nosuid"]).BindNeedsRemount);
        Assert.True(MountOptions.Parse(["bind", "noatime"]).BindNeedsRemount);
    }

    [Fact]
    public void IdmapIsRejectedWithOneLine()
    {
        var e = Assert.Throws<MyDockerException>(() => MountOptions.Parse(["rbind", "idmap"], "mounts[4]"));
        Assert.Equal("mounts[4]: option idmap (id-mapped mounts) is not supported", e.Message);
    }

    [Fact]
    public void NullOptionsMeanNothing()
    {
        var o = MountOptions.Parse(null);
        Assert.Equal(0UL, o.Flags);
        Assert.Equal("", o.Data);
    }

    [Theory]
    [InlineData(null, MS_SLAVE | MS_REC)]
    [InlineData("", MS_SLAVE | MS_REC)]
    [InlineData("rslave", MS_SLAVE | MS_REC)]
    [InlineData("slave", MS_SLAVE)]
    [InlineData("private", MS_PRIVATE)]
    [InlineData("rprivate", MS_PRIVATE | MS_REC)]
    [InlineData("shared", MS_SHARED)]
    [InlineData("rshared", MS_SHARED | MS_REC)]
    [InlineData("unbindable", MS_UNBINDABLE)]
    [InlineData("runbindable", MS_UNBINDABLE | MS_REC)]
    public void RootfsPropagationParses(string? value, ulong expected) =>
        Assert.Equal(expected, RootPropagation.Parse(value));

    [Fact]
    public void UnknownRootfsPropagationIsOneClearLine()
    {
        var e = Assert.Throws<MyDockerException>(() => RootPropagation.Parse("sideways"));
        Assert.StartsWith("linux.rootfsPropagation: unknown value \"sideways\"", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void StatvfsFlagsMapToMountFlags()
    {
        // ST_RELATIME (0x1000) is MS_BIND's value: mapping it raw would turn a remount into a bind.
        Assert.Equal(MS_RELATIME, Remount.FromStatvfs(ST_RELATIME));
        Assert.Equal(MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
            Remount.FromStatvfs(ST_RDONLY | ST_NOSUID | ST_NODEV | ST_NOEXEC));
        Assert.Equal(MS_NOATIME | MS_NODIRATIME, Remount.FromStatvfs(ST_NOATIME | ST_NODIRATIME));
    }
}
