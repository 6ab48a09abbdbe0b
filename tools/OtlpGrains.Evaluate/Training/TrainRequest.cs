using System.Globalization;
using OtlpGrains.Models.Registry;

namespace OtlpGrains.Evaluate.Training;

/// <summary>
/// The arguments of <c>train</c>: where the cluster's API is, which model to register under, the detector kind, the
/// range of windows to export (all the cluster keeps when absent), who asks and why, and the evaluation settings.
/// </summary>
internal sealed record TrainRequest(
    Uri Api,
    string Model,
    string Kind,
    DateTimeOffset? From,
    DateTimeOffset? To,
    string Who,
    string Reason,
    string? NabDirectory,
    int MinWindows,
    double HoldOut)
{
    /// <summary>Fewest exported windows worth training on, unless <c>--min-windows</c> says otherwise.</summary>
    public const int DefaultMinWindows = 100;

    /// <summary>Share of each service's newest windows held out of training to evaluate on.</summary>
    public const double DefaultHoldOut = 0.2;

    public const string Usage =
        "train --api URL --model NAME --kind mlnet-pca|lstm-ae|transformer-ae|iforest|baseline [--from T --to T] --who NAME --reason TEXT " +
        "[--nab DIR] [--min-windows N] [--holdout F]";

    public static (TrainRequest? Request, string? Problem) Parse(IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < args.Count; i++)
        {
            string option = args[i];
            if (!option.StartsWith("--", StringComparison.Ordinal))
            {
                return (null, $"unexpected argument '{option}'");
            }

            if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                return (null, $"{option} needs a value");
            }

            values[option[2..]] = args[++i];
        }

        if (values.Keys.FirstOrDefault(k => !Known.Contains(k)) is { } unknown)
        {
            return (null, $"unknown option '--{unknown}'");
        }

        foreach (var required in new[] { "api", "model", "kind", "who", "reason" })
        {
            if (!values.ContainsKey(required))
            {
                return (null, $"--{required} is required");
            }
        }

        if (!Uri.TryCreate(values["api"], UriKind.Absolute, out var api) || api.Scheme is not ("http" or "https"))
        {
            return (null, $"--api must be an http(s) URL, not '{values["api"]}'");
        }

        if (ModelName.Problem(values["model"]) is { } name)
        {
            return (null, $"--model: {name}");
        }

        if (!TrainedKinds.All.Contains(values["kind"]))
        {
            return (null, $"--kind must be one of {string.Join(", ", TrainedKinds.All)}, not '{values["kind"]}'");
        }

        if (!TryTime(values, "from", out var from, out var problem) || !TryTime(values, "to", out var to, out problem))
        {
            return (null, problem);
        }

        if (from is not null && to is not null && to <= from)
        {
            return (null, "--to must be after --from");
        }

        int minWindows = DefaultMinWindows;
        if (values.TryGetValue("min-windows", out var minText) && (!int.TryParse(minText, NumberStyles.None, CultureInfo.InvariantCulture, out minWindows) || minWindows < 2))
        {
            return (null, $"--min-windows must be a whole number of at least 2, not '{minText}'");
        }

        double holdOut = DefaultHoldOut;
        if (values.TryGetValue("holdout", out var holdText) &&
            (!double.TryParse(holdText, NumberStyles.Float, CultureInfo.InvariantCulture, out holdOut) || holdOut is not (> 0 and < 1)))
        {
            return (null, $"--holdout must be a share between 0 and 1 (exclusive), not '{holdText}'");
        }

        return (new TrainRequest(api, values["model"], values["kind"], from, to, values["who"], values["reason"],
            values.GetValueOrDefault("nab"), minWindows, holdOut), null);
    }

    private static readonly HashSet<string> Known = ["api", "model", "kind", "from", "to", "who", "reason", "nab", "min-windows", "holdout"];

    private static bool TryTime(Dictionary<string, string> values, string option, out DateTimeOffset? time, out string? problem)
    {
        time = null;
        problem = null;
        if (!values.TryGetValue(option, out var text))
        {
            return true;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            time = parsed;
            return true;
        }

        problem = $"--{option} must be an RFC 3339 time, e.g. 2026-12-01T00:00:00Z, not '{text}'";
        return false;
    }
}
