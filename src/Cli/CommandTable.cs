using MyDocker.Spec;

namespace MyDocker.Cli;

/// <summary>Maps a verb to its command; each command lives in Commands/&lt;Verb&gt;Command.cs.</summary>
public static class CommandTable
{
    public static int Run(GlobalOptions global, ArgReader args, Log log)
    {
        if (global.ShowVersion) return VersionCommand.Run();
        if (args.AtEnd || global.ShowHelp) return HelpCommand.Run();
        string verb = args.Next();
        if (EngineLauncher.IsEngineVerb(verb)) return EngineLauncher.Exec(verb, args.Rest());
        var ctx = new CommandContext(global, args, log);
        return verb switch
        {
            "help" => HelpCommand.Run(),
            "version" => VersionCommand.Run(),
            "create" => CreateCommand.Run(ctx),
            "start" => StartCommand.Run(ctx),
            "run" => RunCommand.Run(ctx),
            "state" => StateCommand.Run(ctx),
            "kill" => KillCommand.Run(ctx),
            "delete" => DeleteCommand.Run(ctx),
            "list" => ListCommand.Run(ctx),
            "init" => InitCommand.Run(),
            "spec" => SpecCommand.Run(ctx),
            "exec" => ExecCommand.Run(ctx),
            "features" => FeaturesCommand.Run(ctx),
            "pause" => PauseCommand.Run(ctx),
            "resume" => ResumeCommand.Run(ctx),
            "ps" => PsCommand.Run(ctx),
            "events" => EventsCommand.Run(ctx),
            "update" => UpdateCommand.Run(ctx),
            "hook" => HookCommand.Run(ctx),
            _ => throw new MyDockerException($"unknown command \"{verb}\" (see mydocker help)"),
        };
    }
}

/// <summary>What every command receives: the global options, its own arguments, the log.</summary>
public sealed record CommandContext(GlobalOptions Global, ArgReader Args, Log Log);
