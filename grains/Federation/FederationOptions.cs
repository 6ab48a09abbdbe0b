using OtlpGrains.Models.Federation;

namespace OtlpGrains.Grains.Federation;

/// <summary>
/// Multi-cluster federation (<c>OtlpGrains:Federation</c>). Off when <see cref="Peers"/> is empty: no grain pulls, and
/// the gateway serves the federation gRPC service only when <see cref="ClusterName"/> is set.
/// </summary>
public sealed class FederationOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "OtlpGrains:Federation";

    /// <summary>This cluster's name in federated answers; required when peers are set. Default: empty (off).</summary>
    public string ClusterName { get; set; } = string.Empty;

    /// <summary>The peer clusters whose federation endpoints this cluster pulls and asks. Default: none.</summary>
    public IList<FederationPeerOptions> Peers { get; } = [];

    /// <summary>Seconds one call to one peer may take before it counts as a timeout; fractions allowed. Default: 2.</summary>
    public double PeerTimeoutSeconds { get; set; } = 2;

    /// <summary>Seconds between two pulls of a peer's summary while it answers; fractions allowed. Default: 10.</summary>
    public double SummaryIntervalSeconds { get; set; } = 10;

    /// <summary>
    /// The longest wait, in seconds, between two pulls of a peer that keeps failing (the wait doubles per failure from
    /// the summary interval, with jitter). Default: 300.
    /// </summary>
    public double MaxBackoffSeconds { get; set; } = 300;

    /// <summary>The explicit rules of every peer's <see cref="FederationPeerOptions.RemoteNames"/>, in order (valid ones).</summary>
    public IReadOnlyList<RemoteNameRule> RemoteNameRules() =>
        [.. Peers.SelectMany(p => p.RemoteNames.Select(n => RemoteNameRule.Parse(p.Name, n, out _)).OfType<RemoteNameRule>())];

    /// <summary>True when at least one peer is set.</summary>
    public bool On => Peers.Count > 0;

    public TimeSpan PeerTimeout => TimeSpan.FromSeconds(PeerTimeoutSeconds);

    public TimeSpan SummaryInterval => TimeSpan.FromSeconds(SummaryIntervalSeconds);

    public TimeSpan MaxBackoff => TimeSpan.FromSeconds(MaxBackoffSeconds);
}
