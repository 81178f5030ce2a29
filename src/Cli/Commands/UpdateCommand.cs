using MyDocker.Runtime.Cgroups;
using MyDocker.Runtime.Lifecycle;
using MyDocker.Runtime.State;
using MyDocker.Spec;
using MyDocker.Spec.Model;

namespace MyDocker.Cli;

/// <summary>
/// `mydocker update [--resources FILE|-] [--memory 100m] [--cpus 0.5] [--pids-limit N] ... ID`:
/// change the limits of a running container. --resources takes linux.resources JSON (from stdin
/// with "-", as containerd sends it); the flags are parsed by ResourceFlags, in one place.
/// </summary>
public static class UpdateCommand
{
    public static int Run(CommandContext ctx)
    {
        string? resourcesFile = null;
        var flags = new List<KeyValuePair<string, string>>();
        var a = ctx.Args;
        string? id = null;
        while (!a.AtEnd)
        {
            if (!a.AtFlag)
            {
                if (id != null) throw new MyDockerException($"update: unexpected argument \"{a.Peek}\"");
                id = a.Next();
                continue;
            }
            string name = a.NextFlag(out string? v);
            if (name is "r" or "resources") resourcesFile = a.FlagValue(name, v);
            else if (ResourceFlags.IsFlag(name)) flags.Add(new(name, a.FlagValue(name, v)));
            else throw new MyDockerException($"update: unknown flag --{name}");
        }
        if (id == null) throw new MyDockerException("update: missing container ID");

        Resources resources;
        if (resourcesFile != null)
        {
            if (flags.Count > 0) throw new MyDockerException("update: give either --resources or resource flags, not both");
            string json = resourcesFile == "-" ? Console.In.ReadToEnd()
                : UserFile.ReadAllText("update: --resources", resourcesFile);
            resources = SpecJson.DeserializeResources(json, resourcesFile == "-" ? "resources (stdin)" : Path.GetFileName(resourcesFile));
        }
        else
        {
            if (flags.Count == 0) throw new MyDockerException("update: nothing to change (give --resources or a flag such as --memory)");
            resources = ResourceFlags.Parse(flags);
        }

        var store = new StateStore(ctx.Global.Root);
        using var idLock = store.Lock(id);
        var record = store.Load(id);
        string status = ContainerStatus.Probe(store, record);
        if (status == ContainerStatus.Stopped)
            throw new MyDockerException($"cannot update container {ContainerId.Quote(id)}: it is stopped");
        ContainerCgroups.Require(record, "update").Update(resources);
        return 0;
    }
}
