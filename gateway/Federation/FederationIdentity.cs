using Microsoft.Extensions.Configuration;

namespace OtlpGrains.Gateway.Federation;

/// <summary>
/// This cluster's federation name as the gateway needs it (<c>OtlpGrains:Federation:ClusterName</c>, the setting the
/// silo's federation options bind too): the federation service is served only when it is set.
/// </summary>
internal sealed record FederationIdentity(string ClusterName)
{
    public const string Setting = "OtlpGrains:Federation:ClusterName";

    public bool Served => ClusterName.Length > 0;

    public static FederationIdentity Read(IConfiguration configuration) => new(configuration[Setting]?.Trim() ?? string.Empty);
}
