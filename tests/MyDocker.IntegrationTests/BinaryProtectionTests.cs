using System.Security.Cryptography;
using System.Text.Json.Nodes;
using MyDocker.IntegrationTests.Harness;

namespace MyDocker.IntegrationTests;

/// <summary>
/// runc's CVE-2019-5736, through `create`: a container B whose init joins the pid namespace of a
/// running container A is visible to A's processes while `mydocker init` waits for start. A process
/// of A with CAP_SYS_PTRACE opens /proc/PID/exe of that init and, once init has become the user
/// program, tries to write through the descriptor. That must never reach the host's binary
/// (MydockerBinary.ForInit: a sealed view of the binary). The test attacks a private copy of the binary, so a
/// successful attack (the test failing) cannot damage out/mydocker.
/// </summary>
[Collection("runtime")]
public sealed class BinaryProtectionTests : IDisposable
{
    private readonly TestRuntime rt;
    private readonly string _dir;

    public BinaryProtectionTests(RuntimeFixture fx)
    {
        rt = new TestRuntime(fx);
        _dir = Directory.CreateTempSubdirectory("mydocker-cve-").FullName;
    }

    public void Dispose()
    {
        rt.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    // Finds a process of the shared pid namespace running mydocker, holds its binary open read-only,
    // waits until that process has exec'd something else, then tries to append through the descriptor.
    private const string Attacker = """
        while :; do
          for p in /proc/[0-9]*; do
            l=$(readlink $p/exe 2>/dev/null)
            case "$l" in *mydocker*) exec 3<$p/exe; echo "$l" > /out/opened; break 2;; esac
          done
        done
        while readlink $p/exe 2>/dev/null | grep -q mydocker; do sleep 0.05; done
        if echo PWNED >> /proc/self/fd/3 2>/out/error; then echo written > /out/result; else echo refused > /out/result; fi
        sleep 600
        """;

    [Fact]
    public void Init_joining_another_containers_pid_namespace_never_exposes_the_hosts_binary()
    {
        string binary = Path.Combine(_dir, "mydocker");
        File.Copy(rt.Binary, binary);
        File.SetUnixFileMode(binary, (UnixFileMode)0x1ED);
        byte[] before = SHA256.HashData(File.ReadAllBytes(binary));
        string outDir = Path.Combine(_dir, "out");
        Directory.CreateDirectory(outDir);

        string attackerBundle = rt.Bundle(["sh", "-c", Attacker], c =>
        {
            foreach (var set in new[] { "bounding", "effective", "permitted" })
                c["process"]!["capabilities"]![set]!.AsArray().Add("CAP_SYS_PTRACE");
            c["mounts"]!.AsArray().Add(new JsonObject
            {
                ["destination"] = "/out", ["type"] = "bind", ["source"] = outDir, ["options"] = new JsonArray("rbind", "rw"),
            });
        });
        Assert.Equal(0, rt.Mydocker("run", "-d", "--bundle", attackerBundle, "attacker").ExitCode);
        int attackerPid = JsonNode.Parse(rt.Mydocker("state", "attacker").Stdout)!["pid"]!.GetValue<int>();

        string victimBundle = rt.Bundle(["sleep", "600"], c =>
        {
            foreach (var ns in c["linux"]!["namespaces"]!.AsArray())
                if (ns!["type"]!.GetValue<string>() == "pid") ns["path"] = $"/proc/{attackerPid}/ns/pid";
        });
        var create = Exec.Run(binary, ["--root", rt.Root, "create", "--bundle", victimBundle, "victim"]);
        Assert.True(create.ExitCode == 0, create.ToString());
        string opened = WaitForFile(Path.Combine(outDir, "opened"));   // the attacker did reach init's binary
        Assert.Contains("mydocker", opened);

        var start = Exec.Run(binary, ["--root", rt.Root, "start", "victim"]);
        Assert.True(start.ExitCode == 0, start.ToString());
        string result = WaitForFile(Path.Combine(outDir, "result"));
        Assert.True(before.SequenceEqual(SHA256.HashData(File.ReadAllBytes(binary))),
            $"the host's binary was changed through /proc/PID/exe of init (attacker saw \"{opened.Trim()}\", wrote: {result.Trim()})");
        Assert.Equal("refused", result.Trim());
        // What init ran from: not the host's file, but a sealed view of it (a detached read-only
        // overlayfs shows as "/mydocker", a memfd copy as "/memfd:mydocker (deleted)").
        Assert.NotEqual(binary, opened.Trim());
    }

    private static string WaitForFile(string path, int timeoutMs = 10_000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (DateTime.UtcNow < deadline)
        {
            if (File.Exists(path) && File.ReadAllText(path) is { Length: > 0 } text) return text;
            Thread.Sleep(20);
        }
        throw new TimeoutException($"{path} did not appear within {timeoutMs} ms");
    }
}
