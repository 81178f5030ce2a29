using MyDocker.Spec.Json;

namespace MyDocker.Tests.Spec;

/// <summary>
/// The parts of JsonReading the other tests cannot reach: the reasons used when exception messages are
/// resource keys (the NativeAOT binary is built with UseSystemResourceKeys), and the path notation.
/// </summary>
public class JsonReadingTests
{
    [Fact]
    public void ResourceKeyMessagesFallBackToWhatStandsThere()
    {
        const string json = "{\n  \"root\": }";
        Assert.Equal("unexpected character '}'",
            JsonReading.SyntaxReason("ExpectedStartOfValueNotFound, } LineNumber: 1 | BytePositionInLine: 10.", json, 1, 10));
        Assert.Equal("unexpected character '}'", JsonReading.SyntaxReason("ExpectedStartOfValueNotFound", json, 1, 10));
    }

    [Fact]
    public void TrailingCommaIsRecognisedInBothForms()
    {
        Assert.Equal("a trailing comma is not allowed", JsonReading.SyntaxReason("TrailingCommaNotAllowedBeforeObjectEnd LineNumber: 0 | BytePositionInLine: 9.", "{\"a\": 1, }", 0, 9));
        Assert.Equal("a trailing comma is not allowed",
            JsonReading.SyntaxReason("The JSON array contains a trailing comma at the end which is not supported in this mode. Change the reader options. LineNumber: 0 | BytePositionInLine: 3.", "[1,]", 0, 3));
    }

    [Fact]
    public void EnglishMessagesAreKeptWithoutTheirPositionSuffix()
    {
        Assert.Equal("'}' is an invalid start of a value",
            JsonReading.SyntaxReason("'}' is an invalid start of a value. LineNumber: 1 | BytePositionInLine: 10.", "", 1, 10));
    }

    [Fact]
    public void FallbackAtTheEndIsUnexpectedEnd()
    {
        Assert.Equal("unexpected end of data", JsonReading.DescribePosition("{\"a\": ", 0, 6));
        Assert.Equal("unexpected end of data", JsonReading.DescribePosition("{\"a\": \n  ", 0, 6));
    }

    [Fact]
    public void FallbackDecodesMultiByteAndControlCharacters()
    {
        Assert.Equal("unexpected character 'é'", JsonReading.DescribePosition("{\"a\": é}", 0, 6));
        Assert.Equal("unexpected character U+0001", JsonReading.DescribePosition("{\"a\": \u0001}", 0, 6));
        // Positions are bytes: "ü" is two bytes, so 'x' is at byte 3 of the second line.
        Assert.Equal("unexpected character 'x'", JsonReading.DescribePosition("{\nüx", 1, 2));
    }

    [Theory]
    [InlineData("$.process.args", "process.args")]
    [InlineData("$.mounts[2].options", "mounts[2].options")]
    [InlineData("$.annotations['a.b']", "annotations['a.b']")]
    [InlineData("$", "")]
    [InlineData(null, "")]
    public void PathsDropTheDollar(string? stj, string expected) => Assert.Equal(expected, JsonPath.FromJsonException(stj));

    [Fact]
    public void PathsParseIntoSegments()
    {
        var segments = JsonPath.Parse("mounts[2].options['a.b'][0]")!;
        Assert.Equal(
        [
            new JsonPath.Segment("mounts", 0), new JsonPath.Segment(null, 2), new JsonPath.Segment("options", 0),
            new JsonPath.Segment("a.b", 0), new JsonPath.Segment(null, 0),
        ], segments);
        Assert.Null(JsonPath.Parse("a[x]"));
        Assert.Empty(JsonPath.Parse("")!);
    }

    [Theory]
    [InlineData("", "org.example.key", "['org.example.key']")]
    [InlineData("linux.sysctl", "net.ipv4.ip_forward", "linux.sysctl['net.ipv4.ip_forward']")]
    [InlineData("linux.timeOffsets", "monotonic", "linux.timeOffsets.monotonic")]
    [InlineData("", "process", "process")]
    [InlineData("annotations", "", "annotations['']")]
    public void NamesWithDotsAreBracketed(string parent, string name, string expected) =>
        Assert.Equal(expected, JsonPath.Property(parent, name));
}
