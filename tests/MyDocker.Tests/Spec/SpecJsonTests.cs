using System.Text.Json.Nodes;
using MyDocker.Spec;
using MyDocker.Spec.Model;
using MyDocker.Tests.Support;

namespace MyDocker.Tests.Spec;

/// <summary>SpecJson: writing and reading config, state and process documents.</summary>
public class SpecJsonTests
{
    private static string FullConfigText() => File.ReadAllText(RepoRoot.Combine("tests", "MyDocker.Tests", "Data", "full-config.json"));

    [Fact]
    public void FullConfigRoundTripsWithoutLosingAField()
    {
        // Data/full-config.json sets every field of the model: parse, write, and compare as JSON trees.
        string original = FullConfigText();
        var config = ConfigLoader.Parse(original);
        string written = SpecJson.SerializeConfig(config);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(original), JsonNode.Parse(written)),
            $"round trip changed the document:\n{written}");
        // And writing what was read back is stable.
        Assert.Equal(written, SpecJson.SerializeConfig(SpecJson.DeserializeConfig(written)));
    }

    [Fact]
    public void FullConfigReadsIntoTheModel()
    {
        var config = SpecJson.DeserializeConfig(FullConfigText());
        Assert.Equal(18446744073709551615UL, config.Process!.Rlimits![1].Hard);
        Assert.Equal(3u, config.Linux!.Resources!.Rdma!["mlx5_1"].HcaHandles);
        Assert.Null(config.Linux.Resources.Rdma["mlx4_0"].HcaHandles);
        Assert.Equal(-100, config.Linux.TimeOffsets!["boottime"].Secs);
        Assert.Equal(4ul, config.Linux.Seccomp!.Syscalls![2].Args![0].ValueTwo);
        Assert.Equal("guaranteed_group", config.Linux.IntelRdt!.Value.GetProperty("closID").GetString());
        Assert.Equal(5, config.Hooks!.CreateRuntime![0].Timeout);
        Assert.Equal("zürich", config.Annotations!["org.opencontainers.image.title"]);
    }

    [Fact]
    public void ConfigIsIndentedAndLeavesUnsetFieldsOut()
    {
        var config = new Config { OciVersion = "1.2.0", Root = new Root { Path = "rootfs" } };
        Assert.Equal("""
            {
              "ociVersion": "1.2.0",
              "root": {
                "path": "rootfs",
                "readonly": false
              }
            }
            """.ReplaceLineEndings("\n"), SpecJson.SerializeConfig(config).ReplaceLineEndings("\n"));
    }

    [Fact]
    public void TextIsWrittenAsItIsNotAsEscapes()
    {
        var config = new Config
        {
            OciVersion = "1.2.0+dev",
            Annotations = new() { ["note"] = "grüß <b>&'" },
        };
        string json = SpecJson.SerializeConfig(config);
        Assert.Contains("\"ociVersion\": \"1.2.0+dev\"", json);
        Assert.Contains("\"note\": \"grüß <b>&'\"", json);
    }

    [Fact]
    public void StateIsOneCompactLineAndRoundTrips()
    {
        var state = new State
        {
            Id = "web-1",
            Status = "running",
            Pid = 4422,
            Bundle = "/containers/redis",
            Annotations = new() { ["myKey"] = "myValue" },
        };
        string json = SpecJson.SerializeState(state);
        Assert.Equal("""{"ociVersion":"1.2.0","id":"web-1","status":"running","pid":4422,"bundle":"/containers/redis","annotations":{"myKey":"myValue"}}""", json);
        var back = SpecJson.DeserializeState(json);
        Assert.Equal(("web-1", "running", 4422, "/containers/redis"), (back.Id, back.Status, back.Pid, back.Bundle));
        Assert.Equal("myValue", back.Annotations!["myKey"]);
    }

    [Fact]
    public void StateErrorsNameTheDocument()
    {
        var e = Assert.Throws<MyDockerException>(() => SpecJson.DeserializeState("""{"id": "x", "pid": "12"}"""));
        Assert.Equal("state.json: pid: expected an integer from -2147483648 to 2147483647", e.Message);
        e = Assert.Throws<MyDockerException>(() => SpecJson.DeserializeState("{\"id\": \"x\",", "/run/mydocker/x/state.json"));
        Assert.Equal("/run/mydocker/x/state.json: invalid JSON at line 1, column 11: Expected start of a property name or value, but instead reached end of data", e.Message);
    }

    [Fact]
    public void ProcessRoundTripsAndNeedsCwd()
    {
        var process = new Process { Args = ["ps", "aux"], Cwd = "/", Env = ["A=1"], User = new User { Uid = 5, Gid = 6 } };
        var back = SpecJson.DeserializeProcess(SpecJson.SerializeProcess(process));
        Assert.Equal(["ps", "aux"], back.Args!);
        Assert.Equal((5u, 6u), (back.User.Uid, back.User.Gid));
        var e = Assert.Throws<MyDockerException>(() => SpecJson.DeserializeProcess("""{"args": ["ps"]}"""));
        Assert.Equal("process.json: cwd: is required", e.Message);
    }

    [Fact]
    public void DeserializeConfigDoesNotValidate()
    {
        // Reading alone accepts what only validation rejects.
        var config = SpecJson.DeserializeConfig("""{"ociVersion": "9.9.9", "process": {"cwd": "relative", "args": []}}""");
        Assert.Equal("9.9.9", config.OciVersion);
        Assert.Throws<MyDockerException>(() => ConfigLoader.Parse(SpecJson.SerializeConfig(config)));
    }
}
