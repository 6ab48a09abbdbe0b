using Microsoft.Extensions.Options;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Grains.Traces;

/// <summary>Refuses <see cref="TraceOptions"/> that would make traces never complete or sampling meaningless.</summary>
public sealed class TraceOptionsValidator : IValidateOptions<TraceOptions>
{
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

        return failures is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
