using Microsoft.Extensions.Options;

namespace OtlpGrains.Silo;

/// <summary>Checks the silo's own options at start-up.</summary>
internal sealed class SiloOptionsValidator : IValidateOptions<StorageOptions>
{
    public static readonly string[] Providers = ["memory"];

    public ValidateOptionsResult Validate(string? name, StorageOptions options) =>
        Providers.Contains(options.Provider, StringComparer.OrdinalIgnoreCase)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"OtlpGrains:Storage:Provider '{options.Provider}' is not supported by this build; supported: {string.Join(", ", Providers)}");
}
