using Microsoft.Extensions.Options;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Grains.Traces;

/// <summary>Refuses <see cref="TraceOptions"/> that would make traces never complete or sampling meaningless.</summary>
public sealed class TraceOptionsValidator : IValidateOptions<TraceOptions>
{
    private const double MaxRetentionHours = 87_600;

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, TraceOptions options)
    {
        List<string>? failures = null;

        // Written as negated comparisons so that NaN fails too; infinity would overflow TimeSpan.FromSeconds.
        if (!(options.IdleSeconds > 0) || double.IsPositiveInfinity(options.IdleSeconds))
        {
            (failures ??= []).Add(
                $"{TraceOptions.SectionName}:{nameof(TraceOptions.IdleSeconds)} must be a finite number greater than 0.");
        }

        if (options.MaxSpans < 1)
        {
            (failures ??= []).Add(
                $"{TraceOptions.SectionName}:{nameof(TraceOptions.MaxSpans)} must be at least 1.");
        }

        if (!(options.SampleProbability >= 0 && options.SampleProbability <= 1))
        {
            (failures ??= []).Add(
                $"{TraceOptions.SectionName}:{nameof(TraceOptions.SampleProbability)} must be between 0 and 1.");
        }

        if (options.MaxPendingTraces < TraceShards.Count)
        {
            (failures ??= []).Add(
                $"{TraceOptions.SectionName}:{nameof(TraceOptions.MaxPendingTraces)} must be at least {TraceShards.Count} (one per trace shard).");
        }

        if (options.MaxKeptTraces < 1)
        {
            (failures ??= []).Add(
                $"{TraceOptions.SectionName}:{nameof(TraceOptions.MaxKeptTraces)} must be at least 1.");
        }

        // At most ten years: beyond that the retention is no limit, and TimeSpan.FromHours overflows long before.
        if (!(options.KeptTraceRetentionHours > 0 && options.KeptTraceRetentionHours <= MaxRetentionHours))
        {
            (failures ??= []).Add(
                $"{TraceOptions.SectionName}:{nameof(TraceOptions.KeptTraceRetentionHours)} must be greater than 0 and at most {MaxRetentionHours} (ten years).");
        }

        return failures is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
