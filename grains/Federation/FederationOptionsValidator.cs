using Microsoft.Extensions.Options;
using OtlpGrains.Models.Federation;

namespace OtlpGrains.Grains.Federation;

/// <summary>Refuses federation settings that cannot work, with one line naming the setting.</summary>
internal sealed class FederationOptionsValidator : IValidateOptions<FederationOptions>
{
    private const string Prefix = "OtlpGrains:Federation";

    public ValidateOptionsResult Validate(string? name, FederationOptions options)
    {
        if (Problem(options) is { } problem)
        {
            return ValidateOptionsResult.Fail(problem);
        }

        return ValidateOptionsResult.Success;
    }

    internal static string? Problem(FederationOptions options)
    {
        if (options.PeerTimeoutSeconds is not (> 0 and <= 60))
        {
            return $"{Prefix}:PeerTimeoutSeconds must be above 0 and at most 60, not {options.PeerTimeoutSeconds}";
        }

        if (options.SummaryIntervalSeconds is not (>= 0.1 and <= 3600))
        {
            return $"{Prefix}:SummaryIntervalSeconds must be between 0.1 and 3600, not {options.SummaryIntervalSeconds}";
        }

        if (options.MaxBackoffSeconds < options.SummaryIntervalSeconds || options.MaxBackoffSeconds > 86_400)
        {
            return $"{Prefix}:MaxBackoffSeconds must be at least SummaryIntervalSeconds ({options.SummaryIntervalSeconds}) and at most 86400, not {options.MaxBackoffSeconds}";
        }

        if (options.On && string.IsNullOrWhiteSpace(options.ClusterName))
        {
            return $"{Prefix}:ClusterName must be set when peers are set: it names this cluster in federated answers";
        }

        var names = new HashSet<string>(StringComparer.Ordinal) { options.ClusterName };
        for (var i = 0; i < options.Peers.Count; i++)
        {
            if (PeerProblem(options.Peers[i], $"{Prefix}:Peers:{i}", names) is { } problem)
            {
                return problem;
            }
        }

        return null;
    }

    private static string? PeerProblem(FederationPeerOptions peer, string at, HashSet<string> names)
    {
        if (string.IsNullOrWhiteSpace(peer.Name))
        {
            return $"{at}:Name must be set";
        }

        if (!names.Add(peer.Name))
        {
            return $"{at}:Name '{peer.Name}' is used twice (or is this cluster's own name)";
        }

        if (!Uri.TryCreate(peer.Endpoint, UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("http" or "https"))
        {
            return $"{at}:Endpoint must be an http:// or https:// URL of the peer's OTLP/gRPC port, not '{peer.Endpoint}'";
        }

        var tlsFiles = peer.CaFile.Length + peer.CertificateFile.Length + peer.KeyFile.Length > 0;
        if (tlsFiles && endpoint.Scheme != "https")
        {
            return $"{at}: CaFile, CertificateFile and KeyFile need an https:// Endpoint, not '{peer.Endpoint}'";
        }

        if (string.IsNullOrEmpty(peer.CertificateFile) != string.IsNullOrEmpty(peer.KeyFile))
        {
            return $"{at}: CertificateFile and KeyFile go together; set both or neither";
        }

        for (var i = 0; i < peer.RemoteNames.Count; i++)
        {
            if (RemoteNameRule.Parse(peer.Name, peer.RemoteNames[i], out var problem) is null)
            {
                return $"{at}:RemoteNames:{i}: {problem}";
            }
        }

        foreach (var (setting, path) in new[] { ("CaFile", peer.CaFile), ("CertificateFile", peer.CertificateFile), ("KeyFile", peer.KeyFile) })
        {
            if (path.Length > 0 && !File.Exists(path))
            {
                return $"{at}:{setting} '{path}' does not exist";
            }
        }

        return null;
    }
}
