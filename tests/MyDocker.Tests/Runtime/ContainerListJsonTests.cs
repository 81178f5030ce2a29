using MyDocker.Runtime.State;

namespace MyDocker.Tests.Runtime;

/// <summary>`list --format json`: the expected texts are what the binary of commit 6b0411f (System.Text.Json's serializer) printed.</summary>
public sealed class ContainerListJsonTests
{
    [Fact]
    public void No_containers_is_an_empty_array() => Assert.Equal("[]", ContainerListJson.Write([]));

    [Fact]
    public void Rows_in_runc_shape()
    {
        var created = new DateTime(2026, 11, 29, 6, 26, 23, DateTimeKind.Utc);
        var rows = new List<ContainerListEntry>
        {
            new()
            {
                OciVersion = "1.2.0", Id = "c1", Pid = 6152, Status = "running", Bundle = "/tmp/rtcheck/bundle", Rootfs = "/tmp/rtcheck/rootfs",
                Created = created.AddTicks(4181656), Owner = "root",
                Annotations = new() { ["a.b"] = "x<y>&z \"q\" é ü 中 +", ["empty"] = "" },
            },
            new()
            {
                OciVersion = "1.2.0", Id = "c2", Pid = 6156, Status = "created", Bundle = "/tmp/rtcheck/bundle2", Rootfs = "/tmp/rtcheck/rootfs",
                Created = created.AddTicks(4500516), Owner = "root",
            },
        };
        Assert.Equal(
            """[{"ociVersion":"1.2.0","id":"c1","pid":6152,"status":"running","bundle":"/tmp/rtcheck/bundle","rootfs":"/tmp/rtcheck/rootfs","created":"2026-11-29T06:26:23.4181656Z","owner":"root","annotations":{"a.b":"x\u003Cy\u003E\u0026z \u0022q\u0022 \u00E9 \u00FC \u4E2D \u002B","empty":""}},{"ociVersion":"1.2.0","id":"c2","pid":6156,"status":"created","bundle":"/tmp/rtcheck/bundle2","rootfs":"/tmp/rtcheck/rootfs","created":"2026-11-29T06:26:23.4500516Z","owner":"root"}]""",
            ContainerListJson.Write(rows));
    }
}
