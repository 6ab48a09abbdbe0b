using Microsoft.Extensions.Options;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Grains.Joins;

/// <summary>Refuses <see cref="JoinOptions"/> that could never pair a request or hold no half.</summary>
public sealed class JoinOptionsValidator : IValidateOptions<JoinOptions>
{
    public ValidateOptionsResult Validate(string? name, JoinOptions options)
    {
        List<string>? failures = null;

        // Negated comparisons, so that NaN fails too.
        if (!(options.SkewMilliseconds >= 0 && options.SkewMilliseconds <= 60_000))
        {
            (failures ??= []).Add($"{JoinOptions.SectionName}:{nameof(JoinOptions.SkewMilliseconds)} must be between 0 and 60000.");
        }

        if (!(options.TtlSeconds > 0 && options.TtlSeconds <= 3600))
        {
            (failures ??= []).Add($"{JoinOptions.SectionName}:{nameof(JoinOptions.TtlSeconds)} must be greater than 0 and at most 3600.");
        }

        if (options.MaxHalves < JoinShards.Count)
        {
            (failures ??= []).Add($"{JoinOptions.SectionName}:{nameof(JoinOptions.MaxHalves)} must be at least {JoinShards.Count} (one per join shard).");
        }

        return failures is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
