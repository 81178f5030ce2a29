using MyDocker.Runtime.Cgroups.Stats;
using MyDocker.Runtime.Lifecycle;
using MyDocker.Runtime.State;
using MyDocker.Spec;

namespace MyDocker.Cli;

/// <summary>
/// `mydocker events [--stats] [--interval 5s] ID`, runc's shape: one JSON object per line,
/// {"type":"stats","id":ID,"data":{cpu, memory, pids, blkio, hugetlb...}}. With --stats one line
/// and exit; otherwise a line every interval until the container stops.
/// </summary>
public static class EventsCommand
{
    public static int Run(CommandContext ctx)
    {
        bool once = false;
        TimeSpan interval = TimeSpan.FromSeconds(5);
        string id = IdArgs.Single(ctx, "events", (name, value) =>
        {
            if (name == "stats") once = true;
            else if (name == "interval") interval = ParseInterval(value ?? (ctx.Args.AtEnd ? "" : ctx.Args.Next()));
            else throw new MyDockerException($"events: unknown flag --{name}");
        });
        var store = new StateStore(ctx.Global.Root);
        while (true)
        {
            var record = store.Load(id);
            if (ContainerStatus.Probe(store, record) == ContainerStatus.Stopped)
            {
                if (once) throw new MyDockerException($"cannot get stats of container {ContainerId.Quote(id)}: it is stopped");
                return 0;
            }
            var stats = ContainerCgroups.Require(record, "get stats of").Stats();
            var ev = new CgroupEvent { Type = "stats", Id = id, Data = stats };
            Console.Out.WriteLine(CgroupStatsJson.Write(ev));
            if (once) return 0;
            Console.Out.Flush();
            Thread.Sleep(interval);
        }
    }

    /// <summary>Go-style durations as runc takes them: "5s", "500ms", "1m"; a bare number is seconds.</summary>
    private static TimeSpan ParseInterval(string text)
    {
        double n;
        if (text.EndsWith("ms") && double.TryParse(text[..^2], out n)) return TimeSpan.FromMilliseconds(n);
        if (text.EndsWith('s') && double.TryParse(text[..^1], out n)) return TimeSpan.FromSeconds(n);
        if (text.EndsWith('m') && double.TryParse(text[..^1], out n)) return TimeSpan.FromMinutes(n);
        if (double.TryParse(text, out n)) return TimeSpan.FromSeconds(n);
        throw new MyDockerException($"events: --interval \"{text}\": expected a duration such as 5s or 500ms");
    }
}
