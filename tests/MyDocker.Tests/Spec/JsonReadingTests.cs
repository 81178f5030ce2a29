using MyDocker.Spec;
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
    public void TooDeepNestingIsNamedInBothForms()
    {
        Assert.Equal("nested deeper than 64 levels", JsonReading.SyntaxReason("ArrayDepthTooLarge, 64 LineNumber: 0 | BytePositionInLine: 64.", new string('[', 100), 0, 64));
        Assert.Equal("nested deeper than 64 levels",
            JsonReading.SyntaxReason("The maximum configured depth of 64 has been exceeded. Cannot read next JSON object. LineNumber: 0 | BytePositionInLine: 64.", "", 0, 64));
        var e = Assert.Throws<MyDockerException>(() => ConfigLoader.Parse(new string('[', 100_000) + new string(']', 100_000)));
        Assert.Equal("config.json: invalid JSON at line 1, column 65: nested deeper than 64 levels", e.Message);
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

    [Fact]
    public void TheLastOfDuplicateFieldsCounts()
    {
        var config = SpecJson.DeserializeConfig("""{"ociVersion": "1.0.0", "hostname": "a", "hostname": "b"}""");
        Assert.Equal("b", config.Hostname);
    }

    [Fact]
    public void NullMeansUnsetOnlyForNullableFields()
    {
        var config = SpecJson.DeserializeConfig("""{"ociVersion": "1.0.0", "hostname": null, "process": {"cwd": "/", "oomScoreAdj": null, "unknown": [1]}}""");
        Assert.Null(config.Hostname);
        Assert.Null(config.Process!.OomScoreAdj);
        var e = Assert.Throws<MyDockerException>(() => SpecJson.DeserializeConfig("""{"ociVersion": "1.0.0", "process": {"cwd": "/", "user": null}}"""));
        Assert.Equal("config.json: process.user: expected an object", e.Message);
        e = Assert.Throws<MyDockerException>(() => SpecJson.DeserializeConfig("""{"ociVersion": "1.0.0", "process": {"cwd": "/", "terminal": null}}"""));
        Assert.Equal("config.json: process.terminal: expected a boolean", e.Message);
    }

    [Theory]
    [InlineData("\"uid\": 4294967296", "process.user.uid: expected an integer from 0 to 4294967295")]
    [InlineData("\"uid\": 1e3", "process.user.uid: expected an integer from 0 to 4294967295")]
    [InlineData("\"additionalGids\": [1, -2]", "process.user.additionalGids[1]: expected an integer from 0 to 4294967295")]
    [InlineData("\"additionalGids\": 5", "process.user.additionalGids: expected an array of integers from 0 to 4294967295")]
    public void NumbersOutOfRangeNameTheRange(string userField, string expected)
    {
        string json = "{\"ociVersion\": \"1.0.0\", \"process\": {\"cwd\": \"/\", \"user\": {" + userField + "}}}";
        var e = Assert.Throws<MyDockerException>(() => SpecJson.DeserializeConfig(json));
        Assert.Equal("config.json: " + expected, e.Message);
    }

    [Fact]
    public void MapsOfObjectsNameTheKey()
    {
        var e = Assert.Throws<MyDockerException>(() => SpecJson.DeserializeResources("""{"rdma": {"mlx5_1": null}}"""));
        Assert.Equal("resources.json: rdma.mlx5_1: expected an object", e.Message);
        e = Assert.Throws<MyDockerException>(() => SpecJson.DeserializeResources("""{"rdma": [1]}"""));
        Assert.Equal("resources.json: rdma: expected an object whose values are objects", e.Message);
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
