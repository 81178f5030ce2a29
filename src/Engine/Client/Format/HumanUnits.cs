using System.Globalization;

namespace MyDocker.Engine.Client.Format;

/// <summary>Durations and sizes the way docker's CLI writes them (Go's docker/go-units).</summary>
public static class HumanUnits
{
    /// <summary>"Less than a second", "1 second", "5 minutes", "About an hour", "3 days" (units.HumanDuration).</summary>
    public static string Duration(TimeSpan d)
    {
        int seconds = (int)d.TotalSeconds;
        if (seconds < 1) return "Less than a second";
        if (seconds == 1) return "1 second";
        if (seconds < 60) return $"{seconds} seconds";
        int minutes = (int)d.TotalMinutes;
        if (minutes == 1) return "About a minute";
        if (minutes < 60) return $"{minutes} minutes";
        int hours = (int)Math.Round(d.TotalHours, MidpointRounding.AwayFromZero);
        if (hours == 1) return "About an hour";
        if (hours < 48) return $"{hours} hours";
        if (hours < 24 * 7 * 2) return $"{hours / 24} days";
        if (hours < 24 * 30 * 2) return $"{hours / 24 / 7} weeks";
        if (hours < 24 * 365 * 2) return $"{hours / 24 / 30} months";
        return $"{(int)d.TotalHours / 24 / 365} years";
    }

    /// <summary>"5 minutes ago" for a Unix time in seconds.</summary>
    public static string Ago(long unixSeconds) => Duration(DateTimeOffset.UtcNow - DateTimeOffset.FromUnixTimeSeconds(unixSeconds)) + " ago";

    /// <summary>Decimal units with three significant digits: "1.98MB", "512B", "12.3kB" (units.HumanSizeWithPrecision(n, 3)).</summary>
    public static string Size(double bytes)
    {
        string[] units = ["B", "kB", "MB", "GB", "TB", "PB"];
        int i = 0;
        while (bytes >= 1000 && i < units.Length - 1) { bytes /= 1000; i++; }
        return bytes.ToString("G3", CultureInfo.InvariantCulture) + units[i];
    }

    /// <summary>Binary units for memory, as docker stats writes them: "1.5MiB", "7.7GiB".</summary>
    public static string BinarySize(double bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        int i = 0;
        while (bytes >= 1024 && i < units.Length - 1) { bytes /= 1024; i++; }
        return bytes.ToString("0.###", CultureInfo.InvariantCulture) + units[i];
    }
}
