using System.Globalization;

namespace OtlpGrains.Evaluate.Replay;

/// <summary>The <c>replay</c> command's arguments.</summary>
internal sealed record ReplayOptions
{
    public const string Usage =
        "replay <nezha-dir> [--endpoint http://127.0.0.1:4317] [--speed N|max] [--from HH:MM --to HH:MM] [--with-history] " +
        "[--shift-to now|<UTC time>] [--close-gaps SECONDS] [--batch N] [--in-flight N]\n" +
        "       OtlpGrains.Evaluate replay --otlp-json <file-or-dir> [--endpoint http://127.0.0.1:4317] [--speed N|max] " +
        "[--shift-to now|<UTC time>] [--in-flight N]";

    /// <summary>The Nezha data set folder, or with <see cref="OtlpJson"/> the OTLP/JSON file or folder.</summary>
    public required string Directory { get; init; }

    /// <summary>True when <see cref="Directory"/> holds OTLP/JSON export requests (<c>--otlp-json</c>) rather than Nezha data.</summary>
    public bool OtlpJson { get; init; }

    public Uri Endpoint { get; init; } = new("http://127.0.0.1:4317");

    /// <summary>Event seconds per wall second; null sends as fast as requests are acknowledged.</summary>
    public double? Speed { get; init; }

    /// <summary>UTC times of the data's day; the replay covers <c>[From, To)</c>.</summary>
    public TimeOnly? From { get; init; }

    public TimeOnly? To { get; init; }

    public bool WithHistory { get; init; }

    /// <summary>Where the replay's last event lands: the wall clock at its end (<c>now</c>), or a given time.</summary>
    public ShiftTarget? ShiftTo { get; init; }

    /// <summary>
    /// When set, the stretches between recorded runs of minutes (no traces, no logs) are cut to at most this long and
    /// later runs move earlier; every span and log line is kept, the metric rows of the cut time are not. Null keeps
    /// the day's own timing.
    /// </summary>
    public TimeSpan? CloseGaps { get; init; }

    /// <summary>Most items (spans, log records, metric points) in one export request.</summary>
    public int Batch { get; init; } = 500;

    /// <summary>
    /// Most export requests in flight at once. Default: 1, so requests arrive in event-time order as a collector's
    /// would at 1x: at a speed-up of 40 several in flight can land a later request first and move a service's
    /// watermark past a window (its 10 s close delay is a quarter second of wall time) before the earlier request's
    /// spans reach it, which the same data at 1x would never do.
    /// </summary>
    public int InFlight { get; init; } = 1;

    /// <summary>Parses the arguments after <c>replay</c>; a wrong one gives null and a one-line reason.</summary>
    public static ReplayOptions? Parse(IReadOnlyList<string> args, out string? error)
    {
        error = null;
        bool otlpJson = args.Count > 1 && args[0] == "--otlp-json";
        if (args.Count == 0 || (args[0].StartsWith("--", StringComparison.Ordinal) && !otlpJson))
        {
            error = args.Count > 0 && args[0] == "--otlp-json" ? "--otlp-json needs a file or folder" : "replay needs the Nezha data set folder";
            return null;
        }

        var options = otlpJson ? new ReplayOptions { Directory = args[1], OtlpJson = true } : new ReplayOptions { Directory = args[0] };
        for (int i = otlpJson ? 2 : 1; i < args.Count; i++)
        {
            string name = args[i];
            if (otlpJson && name is "--with-history" or "--from" or "--to" or "--close-gaps" or "--batch")
            {
                // OTLP/JSON requests are sent as recorded, over the time they cover.
                error = $"{name} is for Nezha data, not --otlp-json";
                return null;
            }

            if (name == "--with-history")
            {
                options = options with { WithHistory = true };
                continue;
            }

            if (i + 1 >= args.Count)
            {
                error = $"{name} needs a value, or is not an option";
                return null;
            }

            string value = args[++i];
            switch (name)
            {
                case "--endpoint" when Uri.TryCreate(value, UriKind.Absolute, out Uri? endpoint) && endpoint.Scheme is "http" or "https":
                    options = options with { Endpoint = endpoint };
                    break;
                case "--speed" when value == "max":
                    options = options with { Speed = null };
                    break;
                case "--speed" when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double speed) && speed > 0 && double.IsFinite(speed):
                    options = options with { Speed = speed };
                    break;
                case "--from" when TryTime(value, out TimeOnly from):
                    options = options with { From = from };
                    break;
                case "--to" when TryTime(value, out TimeOnly to):
                    options = options with { To = to };
                    break;
                case "--shift-to" when ShiftTarget.TryParse(value, out ShiftTarget? target):
                    options = options with { ShiftTo = target };
                    break;
                case "--close-gaps" when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double gap) && gap >= 0 && gap <= 86_400:
                    options = options with { CloseGaps = TimeSpan.FromSeconds(gap) };
                    break;
                case "--batch" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int batch) && batch is > 0 and <= 100_000:
                    options = options with { Batch = batch };
                    break;
                case "--in-flight" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int inFlight) && inFlight is > 0 and <= 64:
                    options = options with { InFlight = inFlight };
                    break;
                default:
                    error = $"bad {name} '{value}'";
                    return null;
            }
        }

        if (options.From is { } f && options.To is { } t && f >= t)
        {
            error = $"--from {f:HH\\:mm} must be before --to {t:HH\\:mm}";
            return null;
        }

        return options;
    }

    private static bool TryTime(string text, out TimeOnly time) =>
        TimeOnly.TryParseExact(text, ["HH:mm", "HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out time);
}

/// <summary><c>--shift-to</c>: <c>now</c>, or a UTC time such as <c>2026-12-04T22:00:00Z</c>.</summary>
internal sealed record ShiftTarget(DateTimeOffset? At)
{
    private const long NanosPerMinute = 60_000_000_000;

    public bool IsNow => At is null;

    /// <summary>
    /// The shift to use for one that lands the last event on the target: as is for a set time; for <c>now</c>, floored
    /// to whole minutes, so that every replay of the same data cuts it into the same windows (a window is at most a
    /// minute wide), and the data still ends behind the clock.
    /// </summary>
    public long Aligned(long shiftNanos) =>
        IsNow ? shiftNanos - (((shiftNanos % NanosPerMinute) + NanosPerMinute) % NanosPerMinute) : shiftNanos;

    public static bool TryParse(string text, out ShiftTarget? target)
    {
        if (text == "now")
        {
            target = new ShiftTarget((DateTimeOffset?)null);
            return true;
        }

        bool ok = DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset at);
        target = ok ? new ShiftTarget(at) : null;
        return ok;
    }
}
