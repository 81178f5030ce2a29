namespace MyDocker.Cli;

/// <summary>`mydocker help`: the verbs and global options.</summary>
public static class HelpCommand
{
    public const string Text = """
        mydocker - an OCI container runtime (runtime-spec compatible, runc-style command line)

        usage: mydocker [global options] COMMAND [options] [arguments]

        commands:
          create    create a container from a bundle; its process waits for `start`
          start     run the user program of a created container
          run       create, start and wait for a container; exits with its exit code
          state     print the state of a container (JSON)
          kill      send a signal to the container's init process
          delete    remove a container (--force: kill it first)
          exec      run another process in a running container
          ps        list the processes of a container
          pause     freeze a container (cgroup freezer)
          resume    thaw a paused container
          events    print a container's resource usage (--stats: once)
          update    change a running container's resource limits
          features  print what this runtime supports (runtime-spec features.md)
          list      list the containers under --root
          spec      write a default config.json (--net slirp4netns: with a network)
          hook      hook programs for config.json (hook slirp4netns: a network through slirp4netns)
          version   print the version

        global options:
          --root DIR          state directory (default /run/mydocker)
          --log FILE          also write errors to FILE
          --log-format text|json
          --debug             print what happens, step by step
          --systemd-cgroup    accepted for compatibility
        """;

    public static int Run()
    {
        Console.Out.WriteLine(Text);
        return 0;
    }
}
