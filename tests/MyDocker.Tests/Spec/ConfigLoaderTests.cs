using MyDocker.Spec;
using MyDocker.Spec.Model;

namespace MyDocker.Tests.Spec;

/// <summary>ConfigLoader: reading config.json, and the one-line messages for what can be wrong with it.</summary>
public sealed class ConfigLoaderTests : IDisposable
{
    private readonly string _bundle = Directory.CreateTempSubdirectory("mydocker-test-bundle-").FullName;

    public void Dispose() => Directory.Delete(_bundle, recursive: true);

    /// <summary>A small valid config.json; `extra` is spliced in as more top-level fields.</summary>
    private static string Minimal(string extra = "") => $$"""
        {
          "ociVersion": "1.2.0",
          "root": { "path": "rootfs" },
          "process": { "args": ["sh"], "cwd": "/" }{{extra}}
        }
        """;

    private static string ParseError(string json) =>
        Assert.Throws<MyDockerException>(() => ConfigLoader.Parse(json)).Message;

    // ---- files ----

    [Fact]
    public void LoadsConfigJsonFromTheBundle()
    {
        File.WriteAllText(Path.Combine(_bundle, "config.json"), Minimal());
        var config = ConfigLoader.Load(_bundle);
        Assert.Equal("1.2.0", config.OciVersion);
        Assert.Equal(["sh"], config.Process!.Args!);
    }

    [Fact]
    public void MissingConfigJsonIsNotFoundInBundle()
    {
        var e = Assert.Throws<MyDockerException>(() => ConfigLoader.Load(_bundle));
        Assert.Equal($"config.json: not found in bundle {_bundle}", e.Message);
        Assert.Equal(2, e.Errno);
    }

    [Fact]
    public void MissingBundleDirectoryIsSaid()
    {
        string missing = Path.Combine(_bundle, "nope");
        var e = Assert.Throws<MyDockerException>(() => ConfigLoader.Load(missing));
        Assert.Equal($"config.json: not found in bundle {missing} (no such directory)", e.Message);
    }

    [Fact]
    public void RelativeBundlePathIsShownAbsolute()
    {
        string relative = Path.GetRelativePath(Environment.CurrentDirectory, _bundle);
        var e = Assert.Throws<MyDockerException>(() => ConfigLoader.Load(relative));
        Assert.Equal($"config.json: not found in bundle {_bundle}", e.Message);
    }

    [Fact]
    public void ConfigJsonThatIsADirectoryIsSaid()
    {
        Directory.CreateDirectory(Path.Combine(_bundle, "config.json"));
        var e = Assert.Throws<MyDockerException>(() => ConfigLoader.Load(_bundle));
        Assert.Equal($"config.json: {Path.Combine(_bundle, "config.json")} is a directory", e.Message);
    }

    [Fact]
    public void LoadValidates()
    {
        File.WriteAllText(Path.Combine(_bundle, "config.json"), Minimal().Replace("\"cwd\": \"/\"", "\"cwd\": \"tmp\""));
        var e = Assert.Throws<MyDockerException>(() => ConfigLoader.Load(_bundle));
        Assert.Equal("config.json: process.cwd: must be an absolute path, got \"tmp\"", e.Message);
    }

    [Fact]
    public void ByteOrderMarkIsAccepted()
    {
        File.WriteAllText(Path.Combine(_bundle, "config.json"), Minimal(), new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        Assert.Equal("1.2.0", ConfigLoader.Load(_bundle).OciVersion);
        Assert.Equal("1.2.0", ConfigLoader.Parse("\uFEFF" + Minimal()).OciVersion);
    }

    // ---- syntax ----

    [Fact]
    public void SyntaxErrorHasLineColumnAndReason()
    {
        const string json = "{\n  \"ociVersion\": \"1.0.0\",\n  \"root\": }";
        Assert.Equal("config.json: invalid JSON at line 3, column 11: '}' is an invalid start of a value", ParseError(json));
    }

    [Fact]
    public void UnterminatedDocumentIsSyntaxError()
    {
        Assert.Equal("config.json: invalid JSON at line 1, column 19: unexpected end of data (an object or array is not closed)",
            ParseError("{\"ociVersion\": \"1\""));
    }

    [Fact]
    public void TrailingCommaIsSyntaxError()
    {
        Assert.Equal("config.json: invalid JSON at line 1, column 21: a trailing comma is not allowed",
            ParseError("{\"ociVersion\": \"1\", }"));
    }

    [Fact]
    public void TextAfterTheDocumentIsSyntaxError()
    {
        // Minimal() is 5 lines long.
        Assert.StartsWith("config.json: invalid JSON at line 6, column 1: 'x' is invalid after a single JSON value",
            ParseError(Minimal() + "\nx"));
    }

    [Fact]
    public void SyntaxErrorBeatsAnEarlierTypeError()
    {
        // args is of the wrong type before the syntax error: the syntax error is reported.
        Assert.StartsWith("config.json: invalid JSON at line 1, column ", ParseError("{\"process\": {\"args\": 1}, ]"));
    }

    [Fact]
    public void EmptyFileIsSaid()
    {
        Assert.Equal("config.json: is empty", ParseError(""));
        Assert.Equal("config.json: is empty", ParseError("  \n\t"));
    }

    [Fact]
    public void CommentsAreSkipped()
    {
        var config = ConfigLoader.Parse("// made by hand\n" + Minimal().Replace("\"root\"", "/* the rootfs */ \"root\""));
        Assert.Equal("rootfs", config.Root!.Path);
    }

    // ---- types, with the JSON path of the field ----

    [Theory]
    [InlineData("\"process\": { \"args\": \"sh\", \"cwd\": \"/\" }", "process.args: expected an array of strings")]
    [InlineData("\"process\": { \"args\": [\"sh\", 1], \"cwd\": \"/\" }", "process.args[1]: expected a string")]
    [InlineData("\"process\": { \"args\": [\"sh\"], \"cwd\": \"/\", \"user\": { \"uid\": -1 } }", "process.user.uid: expected an integer from 0 to 4294967295")]
    [InlineData("\"process\": { \"args\": [\"sh\"], \"cwd\": \"/\", \"terminal\": \"yes\" }", "process.terminal: expected a boolean")]
    [InlineData("\"process\": { \"args\": [\"sh\"], \"cwd\": \"/\", \"rlimits\": [{ \"type\": \"RLIMIT_CORE\", \"soft\": 1.5, \"hard\": 2 }] }", "process.rlimits[0].soft: expected an integer from 0 to 18446744073709551615")]
    [InlineData("\"process\": [], \"x\": 1", "process: expected an object")]
    [InlineData("\"mounts\": [{ \"destination\": \"/a\" }, { \"destination\": \"/b\" }, { \"destination\": \"/c\", \"options\": \"ro\" }]", "mounts[2].options: expected an array of strings")]
    [InlineData("\"annotations\": { \"org.example.key\": 1 }", "annotations['org.example.key']: expected a string")]
    [InlineData("\"annotations\": [\"a=b\"]", "annotations: expected an object whose values are strings")]
    [InlineData("\"linux\": { \"resources\": { \"memory\": { \"limit\": \"1G\" } } }", "linux.resources.memory.limit: expected a 64-bit integer")]
    [InlineData("\"linux\": { \"timeOffsets\": { \"monotonic\": 5 } }", "linux.timeOffsets.monotonic: expected an object")]
    [InlineData("\"linux\": { \"namespaces\": [\"pid\"] }", "linux.namespaces[0]: expected an object")]
    [InlineData("\"linux\": { \"resources\": { \"rdma\": { \"mlx5_1\": 3 } } }", "linux.resources.rdma.mlx5_1: expected an object")]
    public void TypeErrorsNameTheField(string extra, string expected)
    {
        string json = Minimal().Replace("\"process\": { \"args\": [\"sh\"], \"cwd\": \"/\" }", extra);
        Assert.Equal("config.json: " + expected, ParseError(json));
    }

    [Fact]
    public void TopLevelMustBeAnObject()
    {
        Assert.Equal("config.json: expected an object", ParseError("[]"));
        Assert.Equal("config.json: expected an object", ParseError("null"));
        Assert.Equal("config.json: expected an object", ParseError("\"config\""));
    }

    [Theory]
    [InlineData("\"root\": { \"path\": null }", "root.path: expected a string")]
    [InlineData("\"ociVersion\": null", "ociVersion: expected a string")]
    [InlineData("\"process\": { \"args\": [\"sh\", null], \"cwd\": \"/\" }", "process.args[1]: expected a string")]
    [InlineData("\"mounts\": [{ \"destination\": \"/a\" }, null]", "mounts[1]: expected an object")]
    [InlineData("\"annotations\": { \"a\": null }", "annotations.a: expected a string")]
    [InlineData("\"linux\": { \"seccomp\": { \"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{ \"names\": null, \"action\": \"SCMP_ACT_ERRNO\" }] } }", "linux.seccomp.syscalls[0].names: expected an array of strings")]
    public void NullIsNotAValueOfARequiredType(string field, string expected)
    {
        Assert.Equal("config.json: " + expected, ParseError(WithTopLevel(Minimal(), field)));
    }

    [Fact]
    public void NullForAnOptionalFieldIsUnset()
    {
        var config = ConfigLoader.Parse(Minimal(", \"hostname\": null, \"mounts\": null, \"linux\": { \"namespaces\": null, \"uidMappings\": null }"));
        Assert.Null(config.Hostname);
        Assert.Null(config.Mounts);
        Assert.Null(config.Linux!.Namespaces);
    }

    [Theory]
    [InlineData("{ \"root\": { \"path\": \"rootfs\" }, \"process\": { \"args\": [\"sh\"], \"cwd\": \"/\" } }", "ociVersion: is required")]
    [InlineData("{ \"ociVersion\": \"1.2.0\", \"root\": { }, \"process\": { \"args\": [\"sh\"], \"cwd\": \"/\" } }", "root.path: is required")]
    [InlineData("{ \"ociVersion\": \"1.2.0\", \"root\": { \"path\": \"r\" }, \"process\": { \"args\": [\"sh\"] } }", "process.cwd: is required")]
    [InlineData("{ \"ociVersion\": \"1.2.0\", \"root\": { \"path\": \"r\" }, \"mounts\": [{ \"destination\": \"/a\" }, { \"type\": \"tmpfs\" }] }", "mounts[1].destination: is required")]
    [InlineData("{ \"ociVersion\": \"1.2.0\", \"root\": { \"path\": \"r\" }, \"process\": { \"cwd\": \"/\", \"args\": [\"sh\"], \"rlimits\": [{ \"type\": \"RLIMIT_CORE\", \"hard\": 1 }] } }", "process.rlimits[0].soft: is required")]
    [InlineData("{ \"ociVersion\": \"1.2.0\", \"root\": { \"path\": \"r\" }, \"linux\": { \"uidMappings\": [{ \"hostID\": 1000, \"size\": 1 }] } }", "linux.uidMappings[0].containerID: is required")]
    [InlineData("{ \"ociVersion\": \"1.2.0\", \"root\": { \"path\": \"r\" }, \"linux\": { \"namespaces\": [{ \"path\": \"/proc/1/ns/pid\" }] } }", "linux.namespaces[0].type: is required")]
    [InlineData("{ \"ociVersion\": \"1.2.0\", \"root\": { \"path\": \"r\" }, \"hooks\": { \"prestart\": [{ \"args\": [] }] } }", "hooks.prestart[0].path: is required")]
    [InlineData("{ \"ociVersion\": \"1.2.0\", \"root\": { \"path\": \"r\" }, \"linux\": { \"seccomp\": { \"syscalls\": [] } } }", "linux.seccomp.defaultAction: is required")]
    [InlineData("{ \"ociVersion\": \"1.2.0\", \"root\": { \"path\": \"r\" }, \"linux\": { \"devices\": [{ \"path\": \"/dev/fuse\" }] } }", "linux.devices[0].type: is required")]
    public void MissingRequiredFieldsAreNamed(string json, string expected)
    {
        Assert.Equal("config.json: " + expected, ParseError(json));
    }

    // ---- extensibility ----

    [Fact]
    public void UnknownFieldsAreAccepted()
    {
        var config = ConfigLoader.Parse(Minimal("""
            ,
              "solaris": { "milestone": "x" },
              "vendorExtension": [1, 2, { "deep": null }],
              "linux": { "namespaces": [{ "type": "pid", "flavour": "new" }], "netDevices": { "eth1": {} } }
            """).Replace("\"process\": {", "\"process\": { \"futureField\": true,"));
        Assert.Equal("pid", Assert.Single(config.Linux!.Namespaces!).Type);
    }

    [Fact]
    public void AnnotationsAreKept()
    {
        var config = ConfigLoader.Parse(Minimal("""
            , "annotations": { "org.opencontainers.image.os": "linux", "com.example.empty": "", "ünïcode.key": "välue" }
            """));
        Assert.Equal(3, config.Annotations!.Count);
        Assert.Equal("linux", config.Annotations["org.opencontainers.image.os"]);
        Assert.Equal("", config.Annotations["com.example.empty"]);
        Assert.Equal("välue", config.Annotations["ünïcode.key"]);
    }

    [Fact]
    public void NewerMinorVersionIsAccepted()
    {
        Assert.Equal("1.3.0", ConfigLoader.Parse(Minimal().Replace("1.2.0", "1.3.0")).OciVersion);
        Assert.Equal("1.0.2-dev", ConfigLoader.Parse(Minimal().Replace("1.2.0", "1.0.2-dev")).OciVersion);
    }

    /// <summary>json with one top-level field ("name": value) set, replacing the one there.</summary>
    private static string WithTopLevel(string json, string field)
    {
        var doc = System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();
        foreach (var (key, value) in System.Text.Json.Nodes.JsonNode.Parse("{" + field + "}")!.AsObject())
            doc[key] = value?.DeepClone();
        return doc.ToJsonString();
    }
}
