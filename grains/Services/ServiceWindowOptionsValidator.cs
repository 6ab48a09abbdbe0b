using Microsoft.Extensions.Options;
using OtlpGrains.Models.Services;

namespace OtlpGrains.Grains.Services;

/// <summary>Refuses window settings the windows cannot honour, with one line per broken option.</summary>
public sealed class ServiceWindowOptionsValidator : IValidateOptions<ServiceWindowOptions>
{
    public ValidateOptionsResult Validate(string? name, ServiceWindowOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.BucketSeconds < 1)
        {
            failures.Add($"{ServiceWindowOptions.SectionName}:{nameof(options.BucketSeconds)} must be at least 1 (was {options.BucketSeconds}).");
        }

        if (options.RetentionSeconds < 1
            || (options.BucketSeconds >= 1 && options.RetentionSeconds % options.BucketSeconds != 0))
        {
            failures.Add($"{ServiceWindowOptions.SectionName}:{nameof(options.RetentionSeconds)} must be a positive multiple of {nameof(options.BucketSeconds)} "
                + $"(was {options.RetentionSeconds} with buckets of {options.BucketSeconds}).");
        }

        if (options.AllowedLatenessSeconds < 0 || options.AllowedLatenessSeconds > options.RetentionSeconds)
        {
            failures.Add($"{ServiceWindowOptions.SectionName}:{nameof(options.AllowedLatenessSeconds)} must be between 0 and {nameof(options.RetentionSeconds)} "
                + $"(was {options.AllowedLatenessSeconds}).");
        }

        // Against a broken lateness the lateness' own failure says enough.
        if (options.CloseDelaySeconds < 0 || (options.AllowedLatenessSeconds >= 0 && options.CloseDelaySeconds > options.AllowedLatenessSeconds))
        {
            failures.Add($"{ServiceWindowOptions.SectionName}:{nameof(options.CloseDelaySeconds)} must be between 0 and {nameof(options.AllowedLatenessSeconds)} "
                + $"(was {options.CloseDelaySeconds}).");
        }

        if (options.IdleCloseSeconds < 0)
        {
            failures.Add($"{ServiceWindowOptions.SectionName}:{nameof(options.IdleCloseSeconds)} must not be negative (0 turns it off; was {options.IdleCloseSeconds}).");
        }

        if (options.MaxFutureSkewSeconds < 0)
        {
            failures.Add($"{ServiceWindowOptions.SectionName}:{nameof(options.MaxFutureSkewSeconds)} must not be negative (was {options.MaxFutureSkewSeconds}).");
        }

        AtLeastOne(failures, nameof(options.MaxOperations), options.MaxOperations);
        AtLeastOne(failures, nameof(options.MaxEdges), options.MaxEdges);
        AtLeastOne(failures, nameof(options.MaxMetricSeries), options.MaxMetricSeries);
        AtLeastOne(failures, nameof(options.P99MinCount), options.P99MinCount);
        if (options.P99LookbackSeconds < 1 || options.P99LookbackSeconds > options.RetentionSeconds)
        {
            failures.Add($"{ServiceWindowOptions.SectionName}:{nameof(options.P99LookbackSeconds)} must be between 1 and {nameof(options.RetentionSeconds)} "
                + $"(was {options.P99LookbackSeconds}).");
        }

        AtLeastOne(failures, nameof(options.CheckpointSeconds), options.CheckpointSeconds);
        AtLeastOne(failures, nameof(options.AppliedBatchRetentionSeconds), options.AppliedBatchRetentionSeconds);

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void AtLeastOne(List<string> failures, string option, int value)
    {
        if (value < 1)
        {
            failures.Add($"{ServiceWindowOptions.SectionName}:{option} must be at least 1 (was {value}).");
        }
    }
}
