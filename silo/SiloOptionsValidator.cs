using Microsoft.Extensions.Options;
using Npgsql;

namespace OtlpGrains.Silo;

/// <summary>Checks the silo's own options at start-up.</summary>
internal sealed class SiloOptionsValidator : IValidateOptions<StorageOptions>
{
    public static readonly string[] Providers = ["memory", "postgres"];

    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        if (!Providers.Contains(options.Provider, StringComparer.OrdinalIgnoreCase))
        {
            return ValidateOptionsResult.Fail($"OtlpGrains:Storage:Provider '{options.Provider}' is not supported; supported: {string.Join(", ", Providers)}");
        }

        if (!options.IsPostgres)
        {
            return ValidateOptionsResult.Success;
        }

        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return ValidateOptionsResult.Fail("OtlpGrains:Storage:ConnectionString is required when OtlpGrains:Storage:Provider is postgres");
        }

        try
        {
            _ = new NpgsqlConnectionStringBuilder(options.ConnectionString);
            return ValidateOptionsResult.Success;
        }
        catch (ArgumentException exception)
        {
            return ValidateOptionsResult.Fail($"OtlpGrains:Storage:ConnectionString is not an Npgsql connection string: {exception.Message}");
        }
    }
}
