using MyDocker.Runtime.Lifecycle;
using MyDocker.Spec;
using MyDocker.Spec.Model;
using MyDocker.Tests.Support;

namespace MyDocker.Tests;

/// <summary>
/// What the fuzzer (fuzz/, `make fuzz`) found. Each file of Data/fuzz/config/ is a config.json that once
/// crashed `create` (an exception other than MyDockerException) or made it print an error of more than
/// one line; the afl-fuzz inputs are kept byte for byte as afl-fuzz wrote them. Each must now be
/// rejected as `create` rejects a config: ConfigLoader.Load, then CreateOperation.CheckRunnable, ending
/// in the one line below ({bundle} stands for the bundle directory).
/// </summary>
public sealed class FuzzFindingsTests : IDisposable
{
    private const string UnpairedSurrogate = "invalid \\u escape (an unpaired UTF-16 surrogate)";

    public static readonly TheoryData<string, string> Configs = new()
    {
        // afl-fuzz: InvalidOperationException from System.Text.Json when a name or a string has a lone
        // "\ud800" (JsonDocument.Parse accepts it; reading it as a .NET string throws).
        { "surrogate-in-a-name.json", $"config.json: a property name: {UnpairedSurrogate}" },
        { "surrogate-in-a-string.json", $"config.json: linux.personality.domain: {UnpairedSurrogate}" },
        // afl-fuzz: a newline or carriage return of the input inside the message split it into lines.
        { "newline-in-a-clock-name.json", "config.json: linux.timeOffsets['monot\\nic']: unknown clock (expected monotonic or boottime)" },
        { "newline-in-a-sysctl-key.json", "config.json: linux.sysctl['nor\\u007F.som\uFFFD\\u007F\uFFFD\uFFFD\\ndogs']: expected a string" },
        { "newline-in-oci-version.json", $"config.json: ociVersion: \"1.0.\\n0\" is not a SemVer version such as {SpecVersion.Current}" },
        { "newline-in-root-path.json", "config.json: root.path: {bundle}/r\\nootfs: no such directory" },
        { "carriage-return-in-a-host-sysctl.json", "linux.sysctl: \"net.ipv4.ip_forw\\rd\" needs a network namespace that is not the host's (/proc/self/ns/net is the host's): refusing to change it for the host" },
        // Found while fixing the above, by reading the code the fuzzer pointed at (the fuzz target crashes on them too):
        // ArgumentException from Path.GetFullPath on a NUL in root.path,
        { "nul-in-root-path.json", "config.json: root.path: \"root\\u0000fs\" contains a NUL character" },
        // and "$" in a .NET regex also matches before a final newline, so these passed the validator.
        { "newline-after-oci-version.json", $"config.json: ociVersion: \"2.0.0\\n\" is not a SemVer version such as {SpecVersion.Current}" },
        { "newline-after-page-size.json", "config.json: linux.resources.hugepageLimits[0].pageSize: must be a size such as 2MB or 1GB, got \"2MB\\n\"" },
    };

    private readonly string _bundle = Directory.CreateTempSubdirectory("mydocker-test-fuzz-").FullName;

    public FuzzFindingsTests() => Directory.CreateDirectory(Path.Combine(_bundle, "rootfs"));

    public void Dispose() => Directory.Delete(_bundle, recursive: true);

    private static string File(string name) => RepoRoot.Combine("tests", "MyDocker.Tests", "Data", "fuzz", "config", name);

    [Theory]
    [MemberData(nameof(Configs))]
    public void A_config_the_fuzzer_found_is_rejected_with_one_line(string name, string expected)
    {
        System.IO.File.Copy(File(name), Path.Combine(_bundle, ConfigLoader.FileName));
        var e = Assert.Throws<MyDockerException>(() => CreateOperation.CheckRunnable(ConfigLoader.Load(_bundle), _bundle));
        Assert.Equal(expected.Replace("{bundle}", _bundle), e.Message);
    }

    [Fact]
    public void Every_file_of_the_findings_is_tested()
    {
        var files = Directory.GetFiles(Path.GetDirectoryName(File("x"))!).Select(Path.GetFileName).Order();
        Assert.Equal(Configs.Select(row => (string)row[0]).Order(), files);
    }
}
