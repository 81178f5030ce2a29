using MyDocker.Engine.Monitor;
using MyDocker.Runtime.Interop;

namespace MyDocker.Engine.Containers;

/// <summary>
/// Notices that a container's monitor has finished (it exits right after writing exit.json): a pidfd
/// of the monitor becomes readable when it exits. One blocked thread per running container, started at
/// `start` and, after a daemon restart, for every container whose monitor still runs.
/// </summary>
public static class ExitWatcher
{
    public static void Watch(ContainerService service, ContainerRecord record)
    {
        int monitorPid = record.State.MonitorPid;
        int fd = monitorPid > 0 ? Libc.PidfdOpen(monitorPid) : -1;
        var thread = new Thread(() =>
        {
            try
            {
                if (fd >= 0) Runtime.Process.ProcessExit.Wait(fd, -1);
                // exit.json is written before the monitor exits; give a monitor that was killed a moment anyway.
                var paths = new MonitorPaths(service.Store.DirOf(record.Id));
                for (int i = 0; i < 20 && !File.Exists(paths.ExitFile); i++) Thread.Sleep(5);
                service.OnExited(record);
            }
            finally
            {
                if (fd >= 0) Libc.Close(fd);
            }
        }) { IsBackground = true, Name = $"exit-watcher {record.ShortId}" };
        thread.Start();
    }
}
