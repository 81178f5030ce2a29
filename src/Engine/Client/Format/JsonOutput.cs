using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MyDocker.Engine.Client.Format;

/// <summary>JSON as `docker inspect` prints it: indented by four spaces, with &lt; &gt; &amp; left readable.</summary>
public static class JsonOutput
{
    public static string Indented(JsonNode node) => Write(node, indented: true);

    /// <summary>One line, as the template function json writes it.</summary>
    public static string Compact(JsonNode? node) => node == null ? "null" : Write(node, indented: false);

    private static string Write(JsonNode node, bool indented)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = indented, IndentSize = 4, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            node.WriteTo(writer);
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
