using System.Globalization;
using OtlpGrains.Models.Simulation;

namespace OtlpGrains.Evaluate.Simulation;

/// <summary>The <c>simulate</c> command's arguments, shared by <c>eval-rca --scenario</c>.</summary>
internal sealed record SimulateOptions
{
    public const string Usage =
        "simulate --scenario NAME|all [--endpoint http://127.0.0.1:4317] [--seed N] [--speed N|max] [--rate N] [--run-id ID] [--batch N] [--api-key KEY] [--route SERVICE=URL]...";

    /// <summary>The scenarios to run, in order.</summary>
    public required IReadOnlyList<string> Scenarios { get; init; }

    public Uri Endpoint { get; init; } = new("http://127.0.0.1:4317");

    public int Seed { get; init; } = 1;

    /// <summary>Event seconds per wall second; null sends as fast as requests are acknowledged.</summary>
    public double? Speed { get; init; }

    /// <summary>Mean requests per second at the entry points. Default: 8.</summary>
    public double Rate { get; init; } = 8;

    /// <summary>Put before every service name, so that a scenario can run again in the same cluster. Default: none.</summary>
    public string RunId { get; init; } = "";

    /// <summary>Most items (spans, log records, metric points) in one export request.</summary>
    public int Batch { get; init; } = 500;

    /// <summary>The API key sent (as a bearer token) to the endpoint and to every route without a key of its own.</summary>
    public string? ApiKey { get; init; }

    /// <summary>
    /// Services (named as in the scenario, without the run id) that send to another endpoint than
    /// <see cref="Endpoint"/>: a system spread over several federated clusters.
    /// </summary>
    public IReadOnlyList<SimulateRoute> Routes { get; init; } = [];

    /// <summary>Parses the arguments; a wrong one gives null and a one-line reason.</summary>
    public static SimulateOptions? Parse(IReadOnlyList<string> args, out string? error)
    {
        error = null;
        string? scenario = null;
        var parsed = new SimulateOptions { Scenarios = [] };
        for (int i = 0; i < args.Count; i++)
        {
            string name = args[i];
            if (i + 1 >= args.Count)
            {
                error = $"{name} needs a value, or is not an option";
                return null;
            }

            string value = args[++i];
            switch (name)
            {
                case "--scenario" when value == "all" || SimulationScenarios.Names.Contains(value):
                    scenario = value;
                    break;
                case "--scenario":
                    error = $"unknown scenario '{value}' (known: all, {string.Join(", ", SimulationScenarios.Names)})";
                    return null;
                case "--endpoint" when Uri.TryCreate(value, UriKind.Absolute, out Uri? endpoint) && endpoint.Scheme is "http" or "https":
                    parsed = parsed with { Endpoint = endpoint };
                    break;
                case "--seed" when int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int seed):
                    parsed = parsed with { Seed = seed };
                    break;
                case "--speed" when value == "max":
                    parsed = parsed with { Speed = null };
                    break;
                case "--speed" when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double speed) && speed > 0 && double.IsFinite(speed):
                    parsed = parsed with { Speed = speed };
                    break;
                case "--rate" when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double rate) && rate > 0 && rate <= 1000:
                    parsed = parsed with { Rate = rate };
                    break;
                case "--run-id" when value.Length <= 20 && value.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'):
                    parsed = parsed with { RunId = value.Length == 0 || value.EndsWith('-') ? value : value + "-" };
                    break;
                case "--api-key" when value.Length > 0:
                    parsed = parsed with { ApiKey = value };
                    break;
                case "--route" when SimulateRoute.TryParse(value, out SimulateRoute? route):
                    parsed = parsed with { Routes = [.. parsed.Routes, route!] };
                    break;
                case "--batch" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int batch) && batch is > 0 and <= 100_000:
                    parsed = parsed with { Batch = batch };
                    break;
                default:
                    error = $"bad {name} '{value}'";
                    return null;
            }
        }

        if (scenario is null)
        {
            error = "--scenario NAME|all is required";
            return null;
        }

        return parsed with { Scenarios = scenario == "all" ? SimulationScenarios.Names : [scenario] };
    }

    /// <summary>The scenario called <paramref name="name"/> with these options' run id and rate.</summary>
    public Scenario Create(string name) => SimulationScenarios.Create(name, RunId, new LoadProfile(Rate));
}

/// <summary>A service that sends to <see cref="Endpoint"/> (with <see cref="ApiKey"/>, or the command's key).</summary>
internal sealed record SimulateRoute(string Service, Uri Endpoint, string? ApiKey = null)
{
    /// <summary>Reads <c>SERVICE=URL</c>.</summary>
    public static bool TryParse(string text, out SimulateRoute? route)
    {
        route = null;
        int equals = text.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0 || !Uri.TryCreate(text[(equals + 1)..], UriKind.Absolute, out Uri? endpoint) || endpoint.Scheme is not ("http" or "https"))
        {
            return false;
        }

        route = new SimulateRoute(text[..equals], endpoint);
        return true;
    }
}
