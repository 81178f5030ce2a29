using MyDocker.Runtime.Interop;
using MyDocker.Runtime.Process;

namespace MyDocker.Tests.Runtime;

/// <summary>
/// The two sealed views of the running binary that init is exec'd from when others can see it
/// (CVE-2019-5736): whatever is opened through them for writing must fail. Here the "binary" is the
/// test host's own executable (dotnet), which is what /proc/self/exe names in this process.
/// </summary>
public sealed unsafe class MydockerBinaryTests
{
    private static byte[] SelfBytes() => File.ReadAllBytes("/proc/self/exe");

    /// <summary>Reopens an fd through /proc/self/fd for writing, as an attacker holding it would.</summary>
    private static int ReopenForWriting(int fd) => Libc.Open($"/proc/self/fd/{fd}", Libc.O_WRONLY | Libc.O_CLOEXEC, 0);

    [Fact]
    public void The_overlay_view_has_the_binarys_bytes_and_refuses_writing()
    {
        Assert.True(Libc.GetUid() == 0, "the overlay view needs root (CAP_SYS_ADMIN for fsopen): run the tests as root");
        string spare = Directory.CreateTempSubdirectory("mydocker-spare-").FullName;
        try
        {
            int fd = MydockerBinary.SealedOverlay(spare);
            Assert.True(fd >= 0, "fsopen/fsmount of a lower-only overlayfs failed");
            try
            {
                Assert.Equal(SelfBytes(), File.ReadAllBytes($"/proc/self/fd/{fd}"));
                int w = ReopenForWriting(fd);
                int errno = Libc.LastErrno;
                if (w >= 0) Libc.Close(w);
                Assert.True(w < 0, "the overlay view opened for writing");
                Assert.Equal(30 /* EROFS */, errno);
                // A detached mount: it is in no mount table.
                Assert.DoesNotContain(File.ReadAllLines("/proc/self/mountinfo"), l => l.Contains(" overlay ") && l.Contains(spare));
            }
            finally { Libc.Close(fd); }
        }
        finally { Directory.Delete(spare); }
    }

    [Fact]
    public void The_memfd_copy_has_the_binarys_bytes_and_refuses_writing()
    {
        int fd = MydockerBinary.SealedCopy();
        try
        {
            Assert.Equal(SelfBytes(), File.ReadAllBytes($"/proc/self/fd/{fd}"));
            Assert.Contains("memfd:mydocker", Libc.ReadLinkAt(Libc.AT_FDCWD, $"/proc/self/fd/{fd}"));
            byte b = (byte)'x';
            int w = ReopenForWriting(fd);
            nint written = w >= 0 ? Libc.Write(w, &b, 1) : -1;
            if (w >= 0) Libc.Close(w);
            Assert.True(written < 0, "the sealed copy accepted a write");
        }
        finally { Libc.Close(fd); }
    }
}
