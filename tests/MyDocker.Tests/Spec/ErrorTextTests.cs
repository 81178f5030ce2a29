using MyDocker.Spec;

namespace MyDocker.Tests.Spec;

/// <summary>
/// ErrorText: every exception becomes one readable line. The binary is built with
/// UseSystemResourceKeys, so the keyed messages below are the ones it really sees (copied from
/// its output); this test host has the full English resources, which the "real" cases exercise.
/// </summary>
public sealed class ErrorTextTests
{
    [Fact]
    public void A_missing_directory_in_resource_key_form_names_the_path_and_errno()
    {
        var e = new DirectoryNotFoundException("IO_PathNotFound_Path, /nonexistent/dir");
        Assert.Equal("/nonexistent/dir: No such file or directory", ErrorText.Of(e));
        Assert.Equal(2, ErrorText.Errno(e));
    }

    [Fact]
    public void A_full_disk_at_preallocation_is_no_space_left_and_the_size_is_not_the_path()
    {
        var e = new IOException("IO_DiskFull_Path_AllocationSize, /run/x/config.json, 222680");
        Assert.Equal("/run/x/config.json: No space left on device", ErrorText.Of(e));
        Assert.Equal(28, ErrorText.Errno(e));
    }

    [Fact]
    public void A_plain_IOException_carries_its_errno_in_HResult()
    {
        // .NET's shape for any errno without an exception type of its own: "strerror : 'path'".
        var e = new IOException("Read-only file system : '/x'", 30);
        Assert.Equal("/x: Read-only file system", ErrorText.Of(e));
        Assert.Equal(30, ErrorText.Errno(e));
    }

    [Fact]
    public void Access_denied_tells_EACCES_from_EPERM_through_the_inner_exception()
    {
        var eacces = new UnauthorizedAccessException("UnauthorizedAccess_IODenied_Path, /x", new IOException("Permission denied", 13));
        var eperm = new UnauthorizedAccessException("UnauthorizedAccess_IODenied_Path, /y", new IOException("Operation not permitted", 1));
        Assert.Equal("/x: Permission denied", ErrorText.Of(eacces));
        Assert.Equal("/y: Operation not permitted", ErrorText.Of(eperm));
    }

    [Fact]
    public void A_too_long_path_is_ENAMETOOLONG()
    {
        Assert.Equal("/run/a/b: File name too long", ErrorText.Of(new PathTooLongException("IO_PathTooLong_Path, /run/a/b")));
    }

    [Fact]
    public void Real_exceptions_of_this_host_read_the_same()
    {
        var missing = Assert.ThrowsAny<IOException>(() => File.ReadAllText("/nonexistent-mydocker/x"));
        Assert.Equal("/nonexistent-mydocker/x: No such file or directory", ErrorText.Of(missing));

        string file = Path.GetTempFileName();
        try
        {
            // ENOTDIR: .NET says DirectoryNotFoundException, as for ENOENT; ErrorText tells them apart.
            var notDir = Assert.ThrowsAny<IOException>(() => Directory.CreateDirectory(Path.Combine(file, "sub", "dir")));
            Assert.Equal($"{file}/sub/dir: Not a directory", ErrorText.Of(notDir));
            var noParent = Assert.ThrowsAny<IOException>(() => File.WriteAllText("/nonexistent-mydocker/dir/x", ""));
            Assert.Equal("/nonexistent-mydocker/dir/x: No such file or directory", ErrorText.Of(noParent));
        }
        finally { File.Delete(file); }
    }

    [Fact]
    public void Wrap_says_what_failed_and_keeps_the_errno()
    {
        var e = ErrorText.Wrap("--pid-file /x/pid", new DirectoryNotFoundException("IO_PathNotFound_Path, /x/pid.tmp"));
        Assert.Equal("--pid-file /x/pid: No such file or directory", e.Message);
        Assert.Equal(2, e.Errno);
        var io = Assert.Throws<MyDockerException>(() => ErrorText.Io("writing /s/state.json", () => throw new IOException("No space left on device : '/s/state.json'", 28)));
        Assert.Equal("writing /s/state.json: No space left on device", io.Message);
    }

    [Fact]
    public void Our_own_message_is_kept_and_anything_else_is_an_internal_error_on_one_line()
    {
        Assert.Equal("config.json: process.args: must not be empty", ErrorText.Of(new MyDockerException("config.json: process.args: must not be empty")));
        string text = ErrorText.Of(new ArgumentException("Argument_EmptyString\nArg_ParamName_Name, path"));
        Assert.Equal("internal error: ArgumentException: Argument_EmptyString Arg_ParamName_Name, path", text);
    }

    [Fact]
    public void A_key_no_errno_explains_is_put_in_words()
    {
        Assert.Equal("seek before begin", ErrorText.Of(new IOException("IO_SeekBeforeBegin")));
    }

    [Fact]
    public void No_line_shows_a_resource_key_or_the_dotnet_path_shape()
    {
        Exception[] cases =
        [
            new DirectoryNotFoundException("IO_PathNotFound_Path, /a"),
            new FileNotFoundException("IO_FileNotFound_FileName, /b", "/b"),
            new IOException("IO_DiskFull_Path_AllocationSize, /c, 1"),
            new IOException("IO_FileTooLarge_Path_AllocationSize, /d, 1"),
            new IOException("IO_FileExists_Name, /e", 17),
            new IOException("IO_SharingViolation_File, /f", 11),
            new UnauthorizedAccessException("UnauthorizedAccess_IODenied_Path, /g", new IOException("x", 13)),
            new IOException("Device or resource busy : '/h'", 16),
        ];
        foreach (var e in cases)
        {
            string line = ErrorText.Of(e);
            Assert.DoesNotContain("IO_", line);
            Assert.DoesNotContain("UnauthorizedAccess_", line);
            Assert.DoesNotContain(" : '", line);
            Assert.Matches("^/[a-h]: [A-Z]", line);
        }
    }
}
