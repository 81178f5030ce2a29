using System.Buffers;
using System.Text;
using System.Text.Json;

namespace MyDocker.Runtime.State;

/// <summary>
/// `mydocker list --format json`, in runc's shape, written by hand with Utf8JsonWriter (no serializer
/// metadata at start-up): [{"ociVersion","id","pid","status","bundle","rootfs","created","owner","annotations"}],
/// annotations left out when there are none, non-ASCII escaped as \uXXXX.
/// </summary>
public static class ContainerListJson
{
    public static string Write(IEnumerable<ContainerListEntry> entries)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartArray();
            foreach (var e in entries)
            {
                w.WriteStartObject();
                w.WriteString("ociVersion", e.OciVersion);
                w.WriteString("id", e.Id);
                w.WriteNumber("pid", e.Pid);
                w.WriteString("status", e.Status);
                w.WriteString("bundle", e.Bundle);
                w.WriteString("rootfs", e.Rootfs);
                w.WriteString("created", e.Created);
                w.WriteString("owner", e.Owner);
                if (e.Annotations != null)
                {
                    w.WriteStartObject("annotations");
                    foreach (var (key, value) in e.Annotations) w.WriteString(key, value);
                    w.WriteEndObject();
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
