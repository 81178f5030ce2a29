using System.Text;
using MyDocker.Runtime.State;
using MyDocker.Spec;
using MyDocker.Tests.Support;

namespace MyDocker.Tests.Runtime;

/// <summary>
/// state.json, read and written by hand. Data/state-6b0411f-*.json are files written by the binary of
/// commit 6b0411f (System.Text.Json's serializer): they must still read, and write back byte for byte
/// but for the escaping of strings, which is now the spec writer's (JsonTextEncoder: only what JSON
/// needs, non-ASCII as UTF-8) instead of the serializer's \uXXXX for HTML characters and non-ASCII.
/// </summary>
public sealed class ContainerRecordJsonTests
{
    private static byte[] Data(string name) => File.ReadAllBytes(RepoRoot.Combine("tests", "MyDocker.Tests", "Data", name));

    [Fact]
    public void A_state_file_of_the_serializer_writes_back_byte_for_byte()
    {
        byte[] old = Data("state-6b0411f-plain.json");
        Assert.Equal(Encoding.UTF8.GetString(old), Encoding.UTF8.GetString(ContainerRecordJson.Write(ContainerRecordJson.Read(old))));
    }

    [Fact]
    public void A_state_file_of_the_serializer_writes_back_with_only_the_escapes_json_needs()
    {
        string old = Encoding.UTF8.GetString(Data("state-6b0411f-full.json"));
        string expected = old.Replace(@"x\u003Cy\u003E\u0026z \u0022q\u0022 \u00E9 \u00FC \u4E2D \u002B", "x<y>&z \\\"q\\\" é ü 中 +");
        Assert.NotEqual(old, expected);
        Assert.Equal(expected, Encoding.UTF8.GetString(ContainerRecordJson.Write(ContainerRecordJson.Read(Encoding.UTF8.GetBytes(old)))));
    }

    [Fact]
    public void Every_field_is_read()
    {
        var r = ContainerRecordJson.Read(Data("state-6b0411f-full.json"));
        Assert.Equal("c1", r.Id);
        Assert.Equal("/tmp/rtcheck/bundle", r.Bundle);
        Assert.Equal("/tmp/rtcheck/rootfs", r.Rootfs);
        Assert.Equal(6152, r.Pid);
        Assert.Equal(910218UL, r.PidStartTime);
        Assert.Equal(new DateTime(2026, 11, 29, 6, 26, 23, DateTimeKind.Utc).AddTicks(4181656), r.Created);
        Assert.Equal(DateTimeKind.Utc, r.Created.Kind);
        Assert.Equal(0u, r.Owner);
        Assert.Equal("x<y>&z \"q\" é ü 中 +", r.Annotations!["a.b"]);
        Assert.Equal("", r.Annotations["empty"]);
        Assert.True(r.HasPoststartHooks);
        Assert.True(r.HasPoststopHooks);
        Assert.Equal(10, r.CgroupPaths!.Length);
        Assert.Equal("/sys/fs/cgroup/unified/mydocker/c1", r.CgroupCreatedPaths![9]);
        Assert.False(r.MountsInHostNamespace);
        Assert.True(r.HasProcess);

        var plain = ContainerRecordJson.Read(Data("state-6b0411f-plain.json"));
        Assert.Null(plain.Annotations);
        Assert.False(plain.HasPoststartHooks);
    }

    [Fact]
    public void Round_trip_of_the_values_the_files_above_do_not_have()
    {
        var r = new ContainerRecord
        {
            Id = "x", Bundle = "/b", Rootfs = "/b/rootfs", Pid = 0, PidStartTime = ulong.MaxValue,
            Created = new DateTime(2026, 1, 2, 3, 4, 5, 600, DateTimeKind.Utc), Owner = 1000,
            MountsInHostNamespace = true, HasProcess = false,
        };
        string text = Encoding.UTF8.GetString(ContainerRecordJson.Write(r));
        Assert.Equal("""{"id":"x","bundle":"/b","rootfs":"/b/rootfs","pid":0,"pidStartTime":18446744073709551615,"created":"2026-01-02T03:04:05.6Z","owner":1000,"hasPoststartHooks":false,"hasPoststopHooks":false,"mountsInHostNamespace":true,"hasProcess":false}""", text);
        var back = ContainerRecordJson.Read(Encoding.UTF8.GetBytes(text));
        Assert.Equal(text, Encoding.UTF8.GetString(ContainerRecordJson.Write(back)));
        Assert.Null(back.CgroupPaths);
    }

    [Fact]
    public void Unknown_properties_and_a_byte_order_mark_are_ignored()
    {
        var r = ContainerRecordJson.Read("\uFEFF{\"future\":{\"a\":[1,{\"b\":null}]},\"id\":\"c\",\"other\":1.5e3,\"hasProcess\":false}"u8);
        Assert.Equal("c", r.Id);
        Assert.False(r.HasProcess);
    }

    [Theory]
    [InlineData("", "the file is empty")]
    [InlineData("  \n", "the file is empty")]
    [InlineData("null", "expected a JSON object")]
    [InlineData("[1]", "expected a JSON object")]
    [InlineData("garbage", "invalid JSON at line 1, column 1")]
    [InlineData("{\"id\":\"c2\",\"bundle\":\"/tmp/rtch", "the JSON ends too early, after 30 bytes (truncated?)")]
    [InlineData("{\"id\":\"c2\",", "the JSON ends too early, after 11 bytes (truncated?)")]
    [InlineData("{\"id\":\"c2\"}\n{", "invalid JSON at line 2, column 1")]
    [InlineData("{\"id\":\"c2\",\n\"pid\":\"x\"}", "pid: expected an integer from 0 to 2147483647")]
    [InlineData("{\"pid\":4294967296}", "pid: expected an integer from 0 to 2147483647")]
    [InlineData("{\"id\":\"c2\",\"pid\":-1}", "pid: expected an integer from 0 to 2147483647")]
    [InlineData("{}", "id: missing")]
    [InlineData("{\"id\":\"c3\",\"pid\":1}", "id: \"c3\", not \"c2\"")]
    [InlineData("{\"created\":\"yesterday\"}", "created: expected an ISO 8601 date and time")]
    [InlineData("{\"hasProcess\":1}", "hasProcess: expected true or false")]
    [InlineData("{\"cgroupPaths\":[\"/a\",null]}", "cgroupPaths: expected an array of strings")]
    [InlineData("{\"annotations\":{\"a\":1}}", "annotations: expected an object of strings")]
    public void A_corrupt_file_is_one_clear_error(string json, string message)
    {
        string root = Directory.CreateTempSubdirectory("mydocker-state-").FullName;
        try
        {
            var store = new StateStore(root);
            store.CreateLocked("c2").Dispose();
            File.WriteAllText(Path.Combine(root, "c2", StateStore.RecordFile), json);
            var e = Assert.Throws<MyDockerException>(() => store.Load("c2"));
            Assert.Equal($"container \"c2\": corrupt {Path.Combine(root, "c2", "state.json")}: {message}", e.Message);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Salvage_keeps_the_fields_read_before_the_problem_and_nothing_after()
    {
        string full = Encoding.UTF8.GetString(Data("state-6b0411f-full.json"));
        // Cut inside cgroupCreatedPaths: everything before it was read whole, that array was not.
        var cut = ContainerRecordJson.Salvage(Encoding.UTF8.GetBytes(full[..(full.IndexOf("\"cgroupCreatedPaths\"", StringComparison.Ordinal) + 30)]));
        Assert.Equal("c1", cut.Id);
        Assert.Equal(6152, cut.Pid);
        Assert.Equal(910218UL, cut.PidStartTime);
        Assert.Equal(10, cut.CgroupPaths!.Length);
        Assert.Null(cut.CgroupCreatedPaths);

        var typed = ContainerRecordJson.Salvage("{\"id\":\"c1\",\"pid\":\"6152\",\"pidStartTime\":1}"u8);
        Assert.Equal("c1", typed.Id);
        Assert.Equal(0, typed.Pid);
        Assert.Equal(0UL, typed.PidStartTime);

        Assert.Equal("", ContainerRecordJson.Salvage("garbage"u8).Id);
        Assert.Equal("", ContainerRecordJson.Salvage(""u8).Id);
    }

    [Fact]
    public void Salvage_does_not_trust_a_record_of_another_container()
    {
        string root = Directory.CreateTempSubdirectory("mydocker-state-").FullName;
        try
        {
            var store = new StateStore(root);
            store.CreateLocked("c2").Dispose();
            File.WriteAllText(Path.Combine(root, "c2", StateStore.RecordFile), "{\"id\":\"c3\",\"pid\":1234,\"pidStartTime\":5,\"cgroupPaths\":[\"/x\"]}");
            var r = store.LoadOrSalvage("c2", out string? problem);
            Assert.Equal($"container \"c2\": corrupt {Path.Combine(root, "c2", "state.json")}: id: \"c3\", not \"c2\"", problem);
            Assert.Equal("c2", r.Id);
            Assert.Equal(0, r.Pid);
            Assert.Null(r.CgroupPaths);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Invalid_utf8_is_corrupt_too()
    {
        var e = Assert.Throws<System.Text.Json.JsonException>(() => ContainerRecordJson.Read([(byte)'{', (byte)'"', (byte)'i', (byte)'d', (byte)'"', (byte)':', (byte)'"', 0xff, (byte)'"', (byte)'}']));
        Assert.Equal("text that is not valid UTF-8", e.Message);
    }
}
