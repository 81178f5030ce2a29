using MyDocker.Runtime.Init;
using MyDocker.Spec;

namespace MyDocker.Tests.Runtime;

/// <summary>
/// ExecutableLookup: each reason execve would refuse process.args[0] is named as it is, in the words
/// engines look for ("no such file or directory", "permission denied", "executable file not found in $PATH").
/// </summary>
public sealed class ExecutableLookupTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mydocker-lookup-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Error(string name, string path = "/usr/bin:/bin") =>
        Assert.Throws<MyDockerException>(() => ExecutableLookup.Find(name, ["PATH=" + path], "/")).Message;

    [Fact]
    public void A_directory_is_a_directory_not_a_missing_file()
    {
        Assert.Equal($"process.args[0]: \"{_dir}\": is a directory", Error(_dir));
    }

    [Fact]
    public void A_symlink_loop_is_too_many_levels_of_symbolic_links_not_permission_denied()
    {
        File.CreateSymbolicLink(Path.Combine(_dir, "a"), Path.Combine(_dir, "b"));
        File.CreateSymbolicLink(Path.Combine(_dir, "b"), Path.Combine(_dir, "a"));
        Assert.Equal($"process.args[0]: \"{_dir}/a\": too many levels of symbolic links", Error($"{_dir}/a"));
    }

    [Fact]
    public void Missing_and_not_executable_use_runc_words()
    {
        Assert.Equal($"process.args[0]: \"{_dir}/nope\": no such file or directory", Error($"{_dir}/nope"));
        string file = Path.Combine(_dir, "data");
        File.WriteAllText(file, "");
        File.SetUnixFileMode(file, UnixFileMode.UserRead);
        Assert.Equal($"process.args[0]: \"{file}\": permission denied (not executable)", Error(file));
        Assert.Equal($"process.args[0]: \"{file}/x\": not a directory", Error($"{file}/x"));
        Assert.Equal("process.args[0]: \"data\": executable file not found in $PATH", Error("data", _dir));
    }

    [Fact]
    public void An_executable_is_found_through_PATH_past_a_directory_of_the_same_name()
    {
        string first = Directory.CreateDirectory(Path.Combine(_dir, "p1", "tool")).Parent!.FullName;
        string second = Directory.CreateDirectory(Path.Combine(_dir, "p2")).FullName;
        File.WriteAllText(Path.Combine(second, "tool"), "#!/bin/sh\n");
        File.SetUnixFileMode(Path.Combine(second, "tool"), (UnixFileMode)0x1ED);
        Assert.Equal(Path.Combine(second, "tool"), ExecutableLookup.Find("tool", [$"PATH={first}:{second}"], "/"));
    }
}
