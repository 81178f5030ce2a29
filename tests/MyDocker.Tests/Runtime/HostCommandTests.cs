using MyDocker.Runtime.Process;
using MyDocker.Spec;

namespace MyDocker.Tests.Runtime;

/// <summary>HostCommand: a host program found through PATH, its stdout captured, how it ended.</summary>
public sealed class HostCommandTests
{
    [Fact]
    public void Stdout_is_captured_and_the_program_is_found_through_PATH()
    {
        var r = HostCommand.Run("sh", ["-c", "printf 'a b\\n\\303\\251\\n'"], "sh");
        Assert.Equal("a b\né\n", r.Stdout);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(0, r.Signal);
    }

    [Fact]
    public void Output_larger_than_a_pipe_buffer_is_read_whole()
    {
        var r = HostCommand.Run("sh", ["-c", "head -c 300000 /dev/zero | tr '\\0' x"], "sh");
        Assert.Equal(300000, r.Stdout.Length);
    }

    [Fact]
    public void The_environment_is_passed_on()
    {
        Environment.SetEnvironmentVariable("MYDOCKER_HOSTCOMMAND_TEST", "yes");
        try
        {
            Assert.Equal("yes", HostCommand.Run("sh", ["-c", "printf %s \"$MYDOCKER_HOSTCOMMAND_TEST\""], "sh").Stdout);
        }
        finally
        {
            Environment.SetEnvironmentVariable("MYDOCKER_HOSTCOMMAND_TEST", null);
        }
    }

    [Fact]
    public void Exit_code_and_signal()
    {
        Assert.Equal(3, HostCommand.Run("sh", ["-c", "exit 3"], "sh").ExitCode);
        Assert.Equal(9, HostCommand.Run("sh", ["-c", "kill -9 $$"], "sh").Signal);
    }

    [Fact]
    public void A_missing_program_is_one_error_line()
    {
        var e = Assert.Throws<MyDockerException>(() => HostCommand.Run("mydocker-no-such-program", [], "cannot run it"));
        Assert.Equal("cannot run it: No such file or directory", e.Message);
    }

    [Fact]
    public void The_program_starts_with_default_signals_and_an_empty_mask()
    {
        // The test host, like mydocker, is a .NET process that ignores SIGPIPE: the program must not inherit that.
        var r = HostCommand.Run("sh", ["-c", "grep -E '^Sig(Ign|Blk):' /proc/self/status"], "sh");
        Assert.Equal("SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n", r.Stdout);
    }
}
