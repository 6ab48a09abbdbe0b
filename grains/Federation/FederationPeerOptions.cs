namespace OtlpGrains.Grains.Federation;

/// <summary>One peer cluster (<c>OtlpGrains:Federation:Peers:N:...</c>).</summary>
public sealed class FederationPeerOptions
{
    /// <summary>The peer's name in federated answers; unique, and not this cluster's own name.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>
    /// The peer's federation endpoint: its OTLP/gRPC listener, e.g. <c>https://otlpgrains.eu.example:4317</c>
    /// (<c>http://</c> for a peer without TLS).
    /// </summary>
    public string Endpoint { get; set; } = string.Empty;

    /// <summary>The API key presented to the peer (a key of the peer's with the <c>read</c> role); empty: none.</summary>
    public string ApiKey { get; set; } = string.Empty;

    /// <summary>PEM file of the CA that signed the peer's server certificate; empty: the system's trust store.</summary>
    public string CaFile { get; set; } = string.Empty;

    /// <summary>PEM client certificate presented to a peer that asks for mTLS; empty: none.</summary>
    public string CertificateFile { get; set; } = string.Empty;

    /// <summary>PEM private key of <see cref="CertificateFile"/>.</summary>
    public string KeyFile { get; set; } = string.Empty;

    /// <summary>
    /// Names this peer's services go by in this cluster's client spans (<c>peer.service</c> or <c>server.address</c>),
    /// for those the peer's service list does not give away: each an exact name or a <c>*.suffix</c> pattern,
    /// optionally <c>=SERVICE</c> (e.g. <c>*.us.example.com</c>, <c>api.pay.example.com=payments</c>). Default: none.
    /// </summary>
    public IList<string> RemoteNames { get; } = [];
}
