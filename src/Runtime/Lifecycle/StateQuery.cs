using MyDocker.Runtime.State;
using MyDocker.Spec.Model;

namespace MyDocker.Runtime.Lifecycle;

/// <summary>runtime.md "state" and `list`: the spec's state of one container, or of all.</summary>
public static class StateQuery
{
    public static Spec.Model.State Of(StateStore store, string id)
    {
        var record = store.Load(id);
        string status = ContainerStatus.Probe(store, record);
        return new Spec.Model.State
        {
            OciVersion = SpecVersion.Current,
            Id = record.Id,
            Status = status,
            // runtime.md: pid is required while created or running; a stopped container has none.
            Pid = status is ContainerStatus.Stopped ? 0 : record.Pid,
            Bundle = record.Bundle,
            Annotations = record.Annotations,
        };
    }

    public static List<ContainerListEntry> All(StateStore store)
    {
        var list = new List<ContainerListEntry>();
        foreach (string id in store.Ids())
        {
            ContainerRecord record;
            try { record = store.Load(id); }
            catch (Spec.MyDockerException) { continue; } // removed while we looked
            string status = ContainerStatus.Probe(store, record);
            list.Add(new ContainerListEntry
            {
                OciVersion = SpecVersion.Current,
                Id = id,
                Pid = status is ContainerStatus.Stopped ? 0 : record.Pid,
                Status = status,
                Bundle = record.Bundle,
                Rootfs = record.Rootfs,
                Created = record.Created,
                Owner = record.Owner == 0 ? "root" : record.Owner.ToString(),
                Annotations = record.Annotations,
            });
        }
        return list;
    }
}
