using MyDocker.Runtime.Cgroups.Stats;
using MyDocker.Runtime.Cgroups.V1;
using MyDocker.Spec;
using MyDocker.Spec.Model;

namespace MyDocker.Runtime.Cgroups.V2;

/// <summary>
/// cgroup v2 io controller (cgroup-v2.rst "IO") for config-linux.md "Block IO". Conversions (runc's):
///  weight: io.bfq.weight takes the v1 value as it is (BFQ uses 1..1000 in both versions); without
///    BFQ, io.weight gets 1 + (weight - 10) * 9999 / 990, mapping v1's 10..1000 onto v2's 1..10000;
///  weightDevice: "maj:min weight" into the same file (converted for io.weight);
///  leafWeight: v2 has none → error;
///  throttle*Device → io.max "maj:min rbps=N" / "wbps=" / "riops=" / "wiops=", one write each;
///    a rate of 0 (v1: remove the limit) is written as "max".
/// Stats: io.stat "maj:min rbytes= wbytes= rios= wios=" as v1-shaped Read/Write entries (runc).
/// </summary>
public sealed class IoController : ICgroupController
{
    public string Name => "io";

    public bool IsSet(Resources r) => BlkioFields.IsSet(r.BlockIO);

    public string Field(Resources r) => BlkioFields.First(r.BlockIO);

    public static ulong BlkioToIoWeight(ulong w)
    {
        if (w == 0) return 0;
        w = Math.Clamp(w, 10UL, 1000UL);
        return 1 + (w - 10) * 9999 / 990;
    }

    public void Apply(string dir, Resources r, ApplyContext ctx)
    {
        var b = r.BlockIO;
        if (b == null) return;
        var f = ctx.Files;
        bool bfq = f.Exists(dir, "io.bfq.weight");
        if (b.LeafWeight is not (null or 0))
            throw new MyDockerException("linux.resources.blockIO.leafWeight: cgroup v2 has no leaf weight");
        if (b.Weight is ushort w && w != 0)
        {
            if (bfq) f.Write(dir, "io.bfq.weight", Fmt.U(w), "linux.resources.blockIO.weight");
            else f.Write(dir, "io.weight", Fmt.U(BlkioToIoWeight(w)), "linux.resources.blockIO.weight");
        }
        var devices = b.WeightDevice ?? [];
        for (int i = 0; i < devices.Count; i++)
        {
            var d = devices[i];
            string field = $"linux.resources.blockIO.weightDevice[{i}]";
            if (d.LeafWeight is not (null or 0))
                throw new MyDockerException($"{field}.leafWeight: cgroup v2 has no leaf weight");
            if (d.Weight is not ushort dw || dw == 0) continue;
            if (bfq) f.Write(dir, "io.bfq.weight", $"{d.Major}:{d.Minor} {dw}", field + ".weight");
            else f.Write(dir, "io.weight", $"{d.Major}:{d.Minor} {BlkioToIoWeight(dw)}", field + ".weight");
        }
        Max(dir, f, b.ThrottleReadBpsDevice, "rbps", "throttleReadBpsDevice");
        Max(dir, f, b.ThrottleWriteBpsDevice, "wbps", "throttleWriteBpsDevice");
        Max(dir, f, b.ThrottleReadIOPSDevice, "riops", "throttleReadIOPSDevice");
        Max(dir, f, b.ThrottleWriteIOPSDevice, "wiops", "throttleWriteIOPSDevice");
    }

    private static void Max(string dir, CgroupFiles f, List<ThrottleDevice>? list, string key, string name)
    {
        if (list == null) return;
        for (int i = 0; i < list.Count; i++)
        {
            var d = list[i];
            string rate = d.Rate == 0 ? "max" : Fmt.U(d.Rate);
            f.Write(dir, "io.max", $"{d.Major}:{d.Minor} {key}={rate}", $"linux.resources.blockIO.{name}[{i}]");
        }
    }

    public void Stats(string dir, CgroupStats stats, CgroupFiles files)
    {
        string? text = files.Read(dir, "io.stat");
        if (text == null) return;
        var bytes = new List<BlkioEntry>();
        var ios = new List<BlkioEntry>();
        foreach (string line in text.Split('\n'))
        {
            string[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 2 || !StatParse.TryDevice(f[0], out ulong major, out ulong minor)) continue;
            foreach (string kv in f.Skip(1))
            {
                int eq = kv.IndexOf('=');
                if (eq < 0 || StatParse.Uint(kv[(eq + 1)..]) is not ulong v) continue;
                (List<BlkioEntry>? list, string op) = kv[..eq] switch
                {
                    "rbytes" => (bytes, "Read"),
                    "wbytes" => (bytes, "Write"),
                    "rios" => (ios, "Read"),
                    "wios" => (ios, "Write"),
                    _ => (null, ""),
                };
                list?.Add(new BlkioEntry { Major = major, Minor = minor, Op = op, Value = v });
            }
        }
        stats.Blkio.IoServiceBytesRecursive = bytes.Count == 0 ? null : bytes;
        stats.Blkio.IoServicedRecursive = ios.Count == 0 ? null : ios;
    }
}
