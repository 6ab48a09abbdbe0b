namespace OtlpGrains.Hosting;

/// <summary>
/// Identity and ports of the Orleans cluster. Silos use all of it; a standalone gateway uses the ids and
/// <see cref="GatewayPort"/> to join as a client. Section <c>OtlpGrains:Cluster</c>.
/// </summary>
public sealed class ClusterConnectionOptions
{
    public const string SectionName = "OtlpGrains:Cluster";

    /// <summary>Orleans cluster id; silos and clients of one cluster share it. Default: otlpgrains.</summary>
    public string ClusterId { get; set; } = "otlpgrains";

    /// <summary>Orleans service id; stays the same across deployments of one installation. Default: otlpgrains.</summary>
    public string ServiceId { get; set; } = "otlpgrains";

    /// <summary>Silo-to-silo port. Default: 11111.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Port Orleans clients (a standalone gateway) connect to. Default: 30000.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// With PostgreSQL clustering: the address this silo tells the others (on Kubernetes, the pod IP). Default:
    /// 127.0.0.1.
    /// </summary>
    public string AdvertisedAddress { get; set; } = "127.0.0.1";
}
