using Microsoft.Extensions.Options;
using OtlpGrains.Models.Registry;

namespace OtlpGrains.Grains.Anomalies;

/// <summary>Refuses anomaly settings that cannot work, naming the setting in one line.</summary>
internal sealed class AnomalyOptionsValidator : IValidateOptions<AnomalyOptions>
{
    public ValidateOptionsResult Validate(string? name, AnomalyOptions options)
    {
        const string Prefix = AnomalyOptions.SectionName;
        if (ModelName.Problem(options.Model) is { } problem)
        {
            return ValidateOptionsResult.Fail($"{Prefix}:Model '{options.Model}' is not a model name: {problem}");
        }

        if (options.ReportSeconds is not (>= 0.1 and <= 3600))
        {
            return ValidateOptionsResult.Fail($"{Prefix}:ReportSeconds must be between 0.1 and 3600, not {options.ReportSeconds}");
        }

        if (options.RefreshSeconds is not (>= 1 and <= 86400))
        {
            return ValidateOptionsResult.Fail($"{Prefix}:RefreshSeconds must be between 1 and 86400, not {options.RefreshSeconds}");
        }

        return ValidateOptionsResult.Success;
    }
}
