using Microsoft.Extensions.Configuration;

namespace OtlpGrains.Gateway.Security;

/// <summary>API keys, their roles, anonymous access and the per-key rate limit. Section <c>OtlpGrains:Security</c>.</summary>
public sealed class SecurityOptions
{
    public const string SectionName = "OtlpGrains:Security";

    /// <summary>
    /// The keys that may call the gateway, by hash. With none, nothing asks for a key and the listeners default to
    /// loopback. Two keys with the same roles can be valid at once, so that a key can be rotated. Default: none.
    /// </summary>
    public IList<ApiKeyOptions> Keys { get; } = [];

    /// <summary>
    /// Lets the OTLP or API listener use a non-loopback address with no keys configured, so that anyone who reaches
    /// it can write telemetry, read every service and change models. Ignored when keys are configured. Default: false.
    /// </summary>
    public bool AllowAnonymous { get; set; }

    /// <summary>
    /// OTLP export requests per second per key (per remote address without keys), over gRPC and HTTP together; more
    /// get HTTP 429 / gRPC RESOURCE_EXHAUSTED with a retry delay. 0 turns the limit off. Default: 1000.
    /// </summary>
    public int RequestsPerSecond { get; set; } = 1000;

    public bool HasKeys => Keys.Count > 0;

    /// <summary>The section as bound before the host is built, for the listeners' addresses.</summary>
    public static SecurityOptions Read(IConfiguration configuration) =>
        configuration.GetSection(SectionName).Get<SecurityOptions>() ?? new();
}
