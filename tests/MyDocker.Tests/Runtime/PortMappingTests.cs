using MyDocker.Runtime.Network;
using MyDocker.Spec;

namespace MyDocker.Tests.Runtime;

/// <summary>Network/PortMapping: Docker's -p forms that slirp4netns can serve (IPv4, tcp/udp), and one clear line for the rest.</summary>
public class PortMappingTests
{
    [Theory]
    [InlineData("8080:80", "0.0.0.0:8080:80/tcp")]
    [InlineData("127.0.0.1:8080:80", "127.0.0.1:8080:80/tcp")]
    [InlineData("127.0.0.1:8080:80/tcp", "127.0.0.1:8080:80/tcp")]
    [InlineData("5353:53/udp", "0.0.0.0:5353:53/udp")]
    [InlineData("1:65535", "0.0.0.0:1:65535/tcp")]
    public void Accepted_forms_read_back_from_their_canonical_text(string text, string canonical)
    {
        var p = PortMapping.Parse(text);
        Assert.Equal(canonical, p.ToString());
        Assert.Equal(p, PortMapping.Parse(p.ToString()));
    }

    [Theory]
    [InlineData("80", "expected [HOST_IP:]HOST_PORT:CONTAINER_PORT[/tcp|/udp]")]
    [InlineData("a:b:c:d", "expected [HOST_IP:]HOST_PORT:CONTAINER_PORT[/tcp|/udp]")]
    [InlineData("8080:80/sctp", "protocol \"sctp\" is not tcp or udp")]
    [InlineData("0:80", "host port \"0\" is not a number from 1 to 65535")]
    [InlineData("8080:65536", "container port \"65536\" is not a number from 1 to 65535")]
    [InlineData("8080:+80", "container port \"+80\" is not a number from 1 to 65535")]
    [InlineData(":80", "host port \"\" is not a number from 1 to 65535")]
    [InlineData("::1:8080:80", "expected [HOST_IP:]HOST_PORT:CONTAINER_PORT[/tcp|/udp]")]
    [InlineData("1.2.3:8080:80", "host address \"1.2.3\" is not an IPv4 address")]
    [InlineData("localhost:8080:80", "host address \"localhost\" is not an IPv4 address")]
    public void Refused_forms_say_why_in_one_line(string text, string why)
    {
        var e = Assert.Throws<MyDockerException>(() => PortMapping.Parse(text));
        Assert.Equal($"invalid port mapping {MessageText.Quote(text)}: {why}", e.Message);
    }

    [Fact]
    public void Hook_arguments_leave_defaults_out()
    {
        var o = new SlirpOptions { AllowHostLoopback = true };
        o.Publish.Add(PortMapping.Parse("127.0.0.1:8080:80"));
        Assert.Equal(["--publish", "127.0.0.1:8080:80/tcp", "--allow-host-loopback"], o.HookArgs());
        Assert.Empty(new SlirpOptions().HookArgs());
    }
}
