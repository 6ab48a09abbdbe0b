namespace OtlpGrains.Models.Evaluation.Rca;

/// <summary>An injected fault with ground truth: the faulty service and when the fault began (in replayed event time).</summary>
public sealed record RcaFault(string Service, DateTimeOffset InjectedAt, string Type);

/// <summary>An incident as the evaluation reads it: when it was detected, and its root causes' services, best first.</summary>
public sealed record RcaIncident(string Id, DateTimeOffset DetectedAt, IReadOnlyList<string> RankedServices);

/// <summary>One fault's outcome: its matching incident (null when none), the rank of its service there (1-based; null when absent), and the time to detect.</summary>
public sealed record RcaOutcome(RcaFault Fault, RcaIncident? Incident, int? Rank, TimeSpan? TimeToDetect);

/// <summary>The RCA line's figures.</summary>
public sealed record RcaResult(int Faults, int Detected, double AccuracyAt1, double AccuracyAt3, double AverageAt5, double? MedianTimeToDetectSeconds, IReadOnlyList<RcaOutcome> Outcomes);

/// <summary>
/// Scores root-cause analysis against a fault list, by the rules. An incident matches a fault when it was
/// detected within <see cref="MatchWindow"/> after the injection; of several, the first detected is the one an SRE
/// would see first, and it is the one judged. AC@k counts a fault as hit when its service is among the matching
/// incident's first k root causes (a fault with no matching incident is a miss); Avg@5 is the mean of AC@1..AC@5.
/// The time to detect runs from the injection to the incident's detection.
/// </summary>
public static class RcaScorer
{
    public static readonly TimeSpan MatchWindow = TimeSpan.FromMinutes(5);

    public static RcaResult Score(IReadOnlyList<RcaFault> faults, IReadOnlyList<RcaIncident> incidents)
    {
        ArgumentNullException.ThrowIfNull(faults);
        ArgumentNullException.ThrowIfNull(incidents);
        var outcomes = new List<RcaOutcome>(faults.Count);
        foreach (RcaFault fault in faults)
        {
            RcaIncident? match = incidents
                .Where(i => i.DetectedAt >= fault.InjectedAt && i.DetectedAt <= fault.InjectedAt + MatchWindow)
                .OrderBy(i => i.DetectedAt)
                .ThenBy(i => i.Id, StringComparer.Ordinal)
                .FirstOrDefault();
            int index = match is null ? -1 : IndexOf(match.RankedServices, fault.Service);
            outcomes.Add(new RcaOutcome(fault, match, index < 0 ? null : index + 1, match is null ? null : match.DetectedAt - fault.InjectedAt));
        }

        return Summarize(outcomes);
    }

    /// <summary>The line's figures over outcomes scored before (several runs' together, each scored on its own incidents).</summary>
    public static RcaResult Summarize(IReadOnlyList<RcaOutcome> outcomes)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        double At(int k) => outcomes.Count == 0 ? 0 : (double)outcomes.Count(o => o.Rank is { } r && r <= k) / outcomes.Count;
        double[] detectSeconds = [.. outcomes.Where(o => o.TimeToDetect is not null).Select(o => o.TimeToDetect!.Value.TotalSeconds).Order()];
        double? median = detectSeconds.Length == 0 ? null
            : detectSeconds.Length % 2 == 1 ? detectSeconds[detectSeconds.Length / 2]
            : (detectSeconds[(detectSeconds.Length / 2) - 1] + detectSeconds[detectSeconds.Length / 2]) / 2;
        return new RcaResult(
            outcomes.Count,
            outcomes.Count(o => o.Incident is not null),
            At(1),
            At(3),
            Enumerable.Range(1, 5).Average(At),
            median,
            outcomes);
    }

    /// <summary>
    /// For a fault the line counts as missed or not ranked first: the latest incident detected within
    /// <paramref name="lead"/> before the listed injection that names the fault's service, and its rank there. Fault
    /// lists record when the injector acted, and the telemetry can show the fault earlier; this says where that
    /// happened without changing the line's rule.
    /// </summary>
    public static (RcaIncident Incident, int Rank)? EarlyIncident(RcaOutcome outcome, IReadOnlyList<RcaIncident> incidents, TimeSpan lead)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(incidents);
        if (outcome.Rank == 1)
        {
            return null;
        }

        RcaFault fault = outcome.Fault;
        RcaIncident? early = incidents
            .Where(i => i.DetectedAt < fault.InjectedAt && i.DetectedAt >= fault.InjectedAt - lead && IndexOf(i.RankedServices, fault.Service) >= 0)
            .OrderByDescending(i => i.DetectedAt)
            .ThenBy(i => i.Id, StringComparer.Ordinal)
            .FirstOrDefault();
        return early is null ? null : (early, IndexOf(early.RankedServices, fault.Service) + 1);
    }

    private static int IndexOf(IReadOnlyList<string> services, string service)
    {
        for (int i = 0; i < services.Count; i++)
        {
            if (services[i] == service)
            {
                return i;
            }
        }

        return -1;
    }
}
