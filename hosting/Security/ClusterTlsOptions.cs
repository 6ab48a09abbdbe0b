namespace OtlpGrains.Hosting.Security;

/// <summary>
/// Mutual TLS between silos and from a standalone gateway to the silos. Off when none of the paths is set (plain TCP,
/// as on a laptop); on when all three are. Section <c>OtlpGrains:Cluster:Tls</c>.
/// </summary>
public sealed class ClusterTlsOptions
{
    public const string SectionName = "OtlpGrains:Cluster:Tls";

    /// <summary>
    /// PEM certificate this process presents to its peers, issued by the cluster CA, with the serverAuth and clientAuth
    /// extended key usages (a silo is both ends of its connections). Default: none.
    /// </summary>
    public string? CertificatePath { get; set; }

    /// <summary>PEM private key (PKCS#8 or traditional) of <see cref="CertificatePath"/>. Default: none.</summary>
    public string? KeyPath { get; set; }

    /// <summary>
    /// PEM certificate of the cluster CA: the only trust anchor for peers. A peer whose certificate does not chain to it
    /// is refused, whatever the system trusts. Default: none.
    /// </summary>
    public string? CaPath { get; set; }

    /// <summary>True when any path is set (and so TLS is asked for; <see cref="ClusterCredentials"/> demands all three).</summary>
    public bool IsEnabled =>
        !string.IsNullOrWhiteSpace(CertificatePath) || !string.IsNullOrWhiteSpace(KeyPath) || !string.IsNullOrWhiteSpace(CaPath);
}
