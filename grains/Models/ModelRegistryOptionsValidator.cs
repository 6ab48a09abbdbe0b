using Microsoft.Extensions.Options;

namespace OtlpGrains.Grains.Models;

/// <summary>Refuses registry settings that cannot work, naming the setting in one line.</summary>
internal sealed class ModelRegistryOptionsValidator : IValidateOptions<ModelRegistryOptions>
{
    public ValidateOptionsResult Validate(string? name, ModelRegistryOptions options)
    {
        const string Prefix = ModelRegistryOptions.SectionName;
        if (options.MaxArtifactBytes is < 1 or > ModelRegistryOptions.ArtifactBytesCeiling)
        {
            return ValidateOptionsResult.Fail($"{Prefix}:MaxArtifactBytes must be between 1 and {ModelRegistryOptions.ArtifactBytesCeiling}, not {options.MaxArtifactBytes}");
        }

        foreach (var (setting, value) in new[]
        {
            (nameof(options.MaxModels), options.MaxModels),
            (nameof(options.MaxVersionsPerModel), options.MaxVersionsPerModel),
            (nameof(options.MaxAuditEntriesPerModel), options.MaxAuditEntriesPerModel),
            (nameof(options.CachedModels), options.CachedModels),
            (nameof(options.ArchivedScoresPerModel), options.ArchivedScoresPerModel),
        })
        {
            if (value is < 1 or > 100_000)
            {
                return ValidateOptionsResult.Fail($"{Prefix}:{setting} must be between 1 and 100000, not {value}");
            }
        }

        if (options.ScoresFlushSeconds is < 1 or > 3600)
        {
            return ValidateOptionsResult.Fail($"{Prefix}:ScoresFlushSeconds must be between 1 and 3600, not {options.ScoresFlushSeconds}");
        }

        if (options.DriftReferenceWindows is < 10 or > 100_000)
        {
            return ValidateOptionsResult.Fail($"{Prefix}:DriftReferenceWindows must be between 10 and 100000, not {options.DriftReferenceWindows}");
        }

        if (!(options.DriftPsiBound is > 0 and <= 10))
        {
            return ValidateOptionsResult.Fail(FormattableString.Invariant($"{Prefix}:DriftPsiBound must be above 0 and at most 10, not {options.DriftPsiBound}"));
        }

        return ValidateOptionsResult.Success;
    }
}
