using System.Text.Json.Nodes;
using MyDocker.IntegrationTests.Harness;

namespace MyDocker.IntegrationTests;

/// <summary>config.md "Process": args, env, cwd, user (uid, gid, additionalGids, umask), stdio.</summary>
[Collection("runtime")]
public sealed class ProcessTests(RuntimeFixture fx) : IDisposable
{
    private readonly TestRuntime rt = new(fx);
    public void Dispose() => rt.Dispose();

    [Fact]
    public void Env_is_exactly_the_configured_one_plus_home()
    {
        var r = rt.Run(["env"], c => c["process"]!["env"] = new JsonArray("PATH=/bin:/usr/bin", "FOO=bar baz"));
        Assert.True(r.ExitCode == 0, r.ToString());
        var vars = r.Stdout.Trim().Split('\n').Order().ToArray();
        Assert.Equal(["FOO=bar baz", "HOME=/root", "PATH=/bin:/usr/bin"], vars);
    }

    [Fact]
    public void Cwd_is_applied()
    {
        var r = rt.Run(["pwd"], c => c["process"]!["cwd"] = "/usr/bin");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("/usr/bin\n", r.Stdout);
    }

    [Fact]
    public void User_uid_gid_additional_gids_and_umask_are_applied()
    {
        var r = rt.Run(["sh", "-c", "grep -E '^(Uid|Gid|Groups):' /proc/self/status; umask"], c =>
            c["process"]!["user"] = new JsonObject
            {
                ["uid"] = 1234, ["gid"] = 2345, ["umask"] = 0x12 /* 022 */,
                ["additionalGids"] = new JsonArray(5, 3000),
            });
        Assert.True(r.ExitCode == 0, r.ToString());
        var lines = r.Stdout.Trim().Split('\n').Select(l => string.Join(' ', l.Split(['\t', ' '], StringSplitOptions.RemoveEmptyEntries))).ToArray();
        Assert.Equal("Uid: 1234 1234 1234 1234", lines[0]);
        Assert.Equal("Gid: 2345 2345 2345 2345", lines[1]);
        Assert.Equal("Groups: 5 3000", lines[2]);
        Assert.Equal("0022", lines[3]);
    }

    [Fact]
    public void Args_keep_spaces_and_special_characters()
    {
        var r = rt.Run(["sh", "-c", "printf '[%s]' \"$@\"", "zero", "a b", "*", "$HOME"]);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("[a b][*][$HOME]", r.Stdout);
    }

    [Fact]
    public void Only_stdio_descriptors_reach_the_user_program()
    {
        var r = rt.Run(["ls", "/proc/self/fd"]);
        Assert.True(r.ExitCode == 0, r.ToString());
        // 0, 1, 2 and the one ls opened to read the directory.
        var fds = r.Stdout.Trim().Split('\n').Select(int.Parse).Order().ToArray();
        Assert.Equal([0, 1, 2, 3], fds);
    }

    [Fact]
    public void Sigpipe_has_its_default_action_in_the_container()
    {
        var r = rt.Run(["sh", "-c", "grep -E '^Sig(Ign|Blk):' /proc/self/status"]);
        Assert.True(r.ExitCode == 0, r.ToString());
        foreach (var line in r.Stdout.Trim().Split('\n'))
        {
            ulong mask = Convert.ToUInt64(line.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1], 16);
            Assert.True((mask & (1UL << 12)) == 0, $"SIGPIPE ignored or blocked: {line}"); // bit 12 = signal 13
        }
    }
}
