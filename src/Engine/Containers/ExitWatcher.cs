using MyDocker.Engine.Monitor;

namespace MyDocker.Engine.Containers;

/// <summary>
/// Notices that a container's monitor has finished (it exits right after writing exit.json) and
/// calls <see cref="ContainerService.OnExited"/>. Started at `start` with the pidfd the launcher
/// opened, and after a daemon restart for every container whose monitor still runs.
/// </summary>
public static class ExitWatcher
{
    public static void Watch(ContainerService service, ContainerRecord record, int monitorPidFd = -1)
    {
        MonitorExits.Watch(record.State.MonitorPid, monitorPidFd, () =>
        {
            // exit.json is written before the monitor exits; give a monitor that was killed a moment anyway.
            var paths = new MonitorPaths(service.Store.DirOf(record.Id));
            for (int i = 0; i < 20 && !File.Exists(paths.ExitFile); i++) Thread.Sleep(5);
            service.OnExited(record);
        });
    }
}
