using OtlpGrains.Models.Statistics;
using OtlpGrains.Models.Traces;

namespace OtlpGrains.Grains.Traces;

/// <summary>
/// Decides, once a trace is complete, whether to keep it: always when it failed or was slow, otherwise with a
/// fixed probability.
/// </summary>
public sealed class TailSampler
{
    /// <summary>Kept because a span failed.</summary>
    public const string Error = "error";

    /// <summary>Kept because a log record of the trace had severity ERROR or worse.</summary>
    public const string ErrorLog = "error_log";

    /// <summary>Kept because the root span took longer than its operation's recent p99 (beyond the sketch's accuracy).</summary>
    public const string Slow = "slow";

    /// <summary>Kept by chance.</summary>
    public const string Sampled = "sampled";

    private readonly double _probability;
    private readonly Func<double> _nextDouble;

    /// <summary>Samples with <paramref name="random"/>; pass <see cref="Random.Shared"/> when shared by grains.</summary>
    public TailSampler(TraceOptions options, Random random)
        : this(options, random.NextDouble)
    {
    }

    /// <summary>Samples with a source of numbers in [0, 1), so that tests can fix the draw.</summary>
    public TailSampler(TraceOptions options, Func<double> nextDouble)
    {
        _probability = options.SampleProbability;
        _nextDouble = nextDouble;
    }

    /// <summary>
    /// Returns why to keep the trace (<see cref="Error"/>, <see cref="ErrorLog"/>, <see cref="Slow"/> or
    /// <see cref="Sampled"/>, checked in that order) or null to drop it. A null <paramref name="rootOperationP99Ms"/> means the p99 is unknown, so
    /// the trace is never slow.
    /// </summary>
    public string? Decide(TraceAssembler trace, double? rootOperationP99Ms, bool hasErrorLog = false)
    {
        if (trace.HasError)
        {
            return Error;
        }

        if (hasErrorLog)
        {
            return ErrorLog;
        }

        // The p99 comes from a sketch that reports it within its relative accuracy, possibly below every value of its
        // rank: a root is slow only beyond that margin, or a service whose requests all take the same time would have
        // every trace kept as slow.
        if (rootOperationP99Ms is { } p99 && trace.Root is { } root
            && (root.EndUnixNano - root.StartUnixNano) / 1_000_000d > p99 * (1 + LatencyHistogram.RelativeAccuracy))
        {
            return Slow;
        }

        // Drawn only here, so that errors and slow traces do not move a seeded sequence.
        return _nextDouble() < _probability ? Sampled : null;
    }
}
