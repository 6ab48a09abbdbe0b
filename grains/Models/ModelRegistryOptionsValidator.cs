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
        })
        {
            if (value is < 1 or > 100_000)
            {
                return ValidateOptionsResult.Fail($"{Prefix}:{setting} must be between 1 and 100000, not {value}");
            }
        }

        return ValidateOptionsResult.Success;
    }
}
