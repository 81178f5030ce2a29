using System.Text;

namespace MyDocker.EngineTests.Images;

/// <summary>An image to put into a test `docker save` archive: its tags, its layer tars (bottom first), its CMD.</summary>
public sealed record TestImage(string[] Tags, byte[][] Layers, string Cmd = "sh")
{
    public byte[] Config => Encoding.UTF8.GetBytes(
        "{\"architecture\":\"amd64\",\"os\":\"linux\",\"created\":\"2023-05-19T20:19:23.882389416Z\"," +
        $"\"config\":{{\"Env\":[\"PATH=/bin\"],\"Cmd\":[\"{Cmd}\"],\"Labels\":{{\"l\":\"v\"}},\"ExposedPorts\":{{\"80/tcp\":{{}}}}}}," +
        "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[" +
        string.Join(',', Layers.Select(l => $"\"sha256:{TarBuilder.Sha256Hex(l)}\"")) + "]},\"history\":[]}");

    public string Id => "sha256:" + TarBuilder.Sha256Hex(Config);
}

/// <summary>`docker save` archives in the two layouts Docker has written, built the way Docker builds them.</summary>
public static class SaveArchive
{
    /// <summary>
    /// docker 20.10: &lt;v1id&gt;/layer.tar (+ VERSION, json), &lt;config hex&gt;.json, manifest.json, repositories.
    /// A layer already in the archive is a symlink "../&lt;v1id&gt;/layer.tar", as docker writes it.
    /// </summary>
    public static byte[] Docker2010(params TestImage[] images)
    {
        var archive = new ArchiveBuilder();
        var written = new Dictionary<string, string>(); // layer sha -> v1 id
        var manifest = new List<string>();
        foreach (var image in images)
        {
            string configHex = image.Id[7..];
            archive.Add(configHex + ".json", image.Config);
            var layerNames = new List<string>();
            for (int i = 0; i < image.Layers.Length; i++)
            {
                string sha = TarBuilder.Sha256Hex(image.Layers[i]);
                string v1 = TarBuilder.Sha256Hex(Encoding.UTF8.GetBytes(configHex + i));
                archive.Dir(v1 + "/").Add(v1 + "/VERSION", "1.0").Add(v1 + "/json", "{}");
                if (written.TryGetValue(sha, out string? first)) archive.Symlink(v1 + "/layer.tar", $"../{first}/layer.tar");
                else { archive.Add(v1 + "/layer.tar", image.Layers[i]); written[sha] = v1; }
                layerNames.Add(v1 + "/layer.tar");
            }
            manifest.Add($"{{\"Config\":\"{configHex}.json\",\"RepoTags\":[{string.Join(',', image.Tags.Select(t => $"\"{t}\""))}]," +
                $"\"Layers\":[{string.Join(',', layerNames.Select(l => $"\"{l}\""))}]}}");
        }
        archive.Add("manifest.json", "[" + string.Join(',', manifest) + "]");
        archive.Add("repositories", "{}");
        return archive.ToArray();
    }

    /// <summary>
    /// docker 25+: an OCI image layout (oci-layout, index.json, blobs/sha256/...) plus manifest.json naming
    /// blobs (written first here: the reader must not depend on the order). Layers gzip-compressed when asked.
    /// </summary>
    public static byte[] Oci(bool gzipLayers, bool withManifestJson, params TestImage[] images)
    {
        var blobs = new Dictionary<string, byte[]>();
        string Blob(byte[] content)
        {
            string hex = TarBuilder.Sha256Hex(content);
            blobs[hex] = content;
            return hex;
        }
        var manifest = new List<string>();
        var index = new List<string>();
        foreach (var image in images)
        {
            string config = Blob(image.Config);
            var layers = image.Layers.Select(l => Blob(gzipLayers ? TarBuilder.Gzip(l) : l)).ToList();
            string layerType = gzipLayers ? "application/vnd.oci.image.layer.v1.tar+gzip" : "application/vnd.oci.image.layer.v1.tar";
            string ociManifest = Blob(Encoding.UTF8.GetBytes(
                "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\"," +
                $"\"config\":{{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:{config}\",\"size\":{image.Config.Length}}}," +
                $"\"layers\":[{string.Join(',', layers.Select(l => $"{{\"mediaType\":\"{layerType}\",\"digest\":\"sha256:{l}\",\"size\":{blobs[l].Length}}}"))}]}}"));
            foreach (string tag in image.Tags.DefaultIfEmpty(""))
                index.Add($"{{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:{ociManifest}\",\"size\":{blobs[ociManifest].Length}" +
                    (tag == "" ? "}" : $",\"annotations\":{{\"io.containerd.image.name\":\"docker.io/library/{tag}\",\"org.opencontainers.image.ref.name\":\"{tag.Split(':')[1]}\"}}}}"));
            manifest.Add($"{{\"Config\":\"blobs/sha256/{config}\",\"RepoTags\":[{string.Join(',', image.Tags.Select(t => $"\"{t}\""))}]," +
                $"\"Layers\":[{string.Join(',', layers.Select(l => $"\"blobs/sha256/{l}\""))}]}}");
        }
        var archive = new ArchiveBuilder();
        if (withManifestJson) archive.Add("manifest.json", "[" + string.Join(',', manifest) + "]");
        archive.Dir("blobs/").Dir("blobs/sha256/");
        foreach (var (hex, content) in blobs) archive.Add("blobs/sha256/" + hex, content);
        archive.Add("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}");
        archive.Add("index.json", "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[" + string.Join(',', index) + "]}");
        return archive.ToArray();
    }
}
