using System.Buffers;
using System.Text;
using MyDocker.Engine.Daemon.HalfClose;

namespace MyDocker.EngineTests.Daemon;

/// <summary>The daemon's own look at a request head (Daemon/HalfClose): where it ends, and the exec-start rewrite, with either line ending.</summary>
public class RequestHeadTests
{
    private static long? End(string text) => HalfCloseMiddleware.FindHeadEnd(new ReadOnlySequence<byte>(Encoding.Latin1.GetBytes(text)));

    [Theory]
    [InlineData("GET /_ping HTTP/1.1\r\nHost: x\r\n\r\nBODY", 32)]
    [InlineData("GET /_ping HTTP/1.1\r\nHost: x\n\r\nBODY", 31)]   // Docker.DotNet: bare LF after each header, CRLF for the empty line
    [InlineData("GET /_ping HTTP/1.1\nHost: x\n\nBODY", 29)]
    [InlineData("GET /_ping HTTP/1.1\r\nHost: x\r\n", null)]       // the empty line has not come yet
    [InlineData("GET /_ping HTTP/1.1\r\nHost: x\r\n\r", null)]
    public void The_head_ends_after_its_empty_line(string text, int? end)
    {
        Assert.Equal(end, End(text));
        if (end is int e) Assert.StartsWith("BODY", text[e..]);
    }

    [Theory]
    [InlineData("\r\n")]
    [InlineData("\n")]
    public void An_exec_start_with_a_body_is_rewritten_whatever_its_line_ends(string eol)
    {
        string head = $"POST /exec/abc/start HTTP/1.1{eol}Host: x{eol}Connection: Upgrade{eol}Upgrade: tcp{eol}Content-Length: 27{eol}{eol}";
        byte[]? rewritten = UpgradeBodyRewriter.Rewrite(Encoding.Latin1.GetBytes(head));
        Assert.NotNull(rewritten);
        Assert.Equal("POST /exec/abc/start HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: 0\r\nX-Upgrade-Body-Length: 27\r\n\r\n",
            Encoding.Latin1.GetString(rewritten));
    }

    [Fact]
    public void Other_requests_are_left_alone()
    {
        Assert.Null(UpgradeBodyRewriter.Rewrite(Encoding.Latin1.GetBytes("POST /containers/create HTTP/1.1\nContent-Length: 10\n\n")));
        Assert.Null(UpgradeBodyRewriter.Rewrite(Encoding.Latin1.GetBytes("GET /_ping HTTP/1.1\r\nConnection: Upgrade\r\n\r\n")));
    }
}
