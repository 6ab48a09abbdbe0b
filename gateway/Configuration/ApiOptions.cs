namespace OtlpGrains.Gateway.Configuration;

/// <summary>The HTTP/1.1 port of the query API, <c>/metrics</c>, health and the dashboard. Section <c>OtlpGrains:Api</c>.</summary>
public sealed class ApiOptions
{
    public const string SectionName = "OtlpGrains:Api";

    /// <summary>Port of the query API, <c>/metrics</c>, <c>/healthz</c>, <c>/readyz</c> and the dashboard. Default: 8080.</summary>
    public int Port { get; set; } = 8080;

    /// <summary>
    /// Address the API port listens on. Default: 127.0.0.1 (loopback only) when no keys are configured, 0.0.0.0 (every IPv4
    /// interface) when keys are; a non-loopback address without keys needs <c>OtlpGrains:Security:AllowAnonymous=true</c>.
    /// </summary>
    public string ListenAddress { get; set; } = string.Empty;
}
