using Microsoft.Extensions.Options;

namespace OtlpGrains.Grains.Workloads;

/// <summary>Refuses <see cref="WorkloadOptions"/> that would forget every entry at once, hold none, or never refresh.</summary>
public sealed class WorkloadOptionsValidator : IValidateOptions<WorkloadOptions>
{
    public ValidateOptionsResult Validate(string? name, WorkloadOptions options)
    {
        List<string>? failures = null;
        if (!(options.TtlSeconds >= 1 && options.TtlSeconds <= 86_400))
        {
            (failures ??= []).Add($"{WorkloadOptions.SectionName}:{nameof(WorkloadOptions.TtlSeconds)} must be between 1 and 86400.");
        }

        if (options.MaxEntries < 1)
        {
            (failures ??= []).Add($"{WorkloadOptions.SectionName}:{nameof(WorkloadOptions.MaxEntries)} must be at least 1.");
        }

        if (!(options.RefreshSeconds >= 0.1 && options.RefreshSeconds <= 3600))
        {
            (failures ??= []).Add($"{WorkloadOptions.SectionName}:{nameof(WorkloadOptions.RefreshSeconds)} must be between 0.1 and 3600.");
        }

        return failures is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
