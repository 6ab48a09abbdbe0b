using Microsoft.Extensions.Options;

namespace OtlpGrains.Grains.Catalog;

/// <summary>
/// How many services the cluster, and each API key, may create. Section <c>OtlpGrains:Limits</c>. Every service costs
/// a grain with its windows (and, in durable mode, rows), so a flood of spans with made-up service names must not
/// create one each: beyond these limits the gateway rejects a new service's items (OTLP partial success) and counts
/// them in <c>otlpgrains_gateway_limited_items_total{limit="services"}</c>.
/// </summary>
public sealed class ServiceLimitOptions
{
    public const string SectionName = "OtlpGrains:Limits";

    /// <summary>Services the cluster holds at most. Default: 10000.</summary>
    public int MaxServices { get; set; } = 10_000;

    /// <summary>
    /// New services one API key may create (services that exist already are not counted against it); requests
    /// without a key count only against <see cref="MaxServices"/>. Default: 1000.
    /// </summary>
    public int MaxServicesPerKey { get; set; } = 1_000;
}

/// <summary>Refuses limits below 1, which would refuse every service.</summary>
public sealed class ServiceLimitOptionsValidator : IValidateOptions<ServiceLimitOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ServiceLimitOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        List<string>? failures = null;
        if (options.MaxServices < 1)
        {
            (failures ??= []).Add($"{ServiceLimitOptions.SectionName}:{nameof(ServiceLimitOptions.MaxServices)} must be at least 1.");
        }

        if (options.MaxServicesPerKey < 1)
        {
            (failures ??= []).Add($"{ServiceLimitOptions.SectionName}:{nameof(ServiceLimitOptions.MaxServicesPerKey)} must be at least 1.");
        }

        return failures is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
