using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace OtlpGrains.Gateway.Security;

/// <summary>
/// Decides whether a client certificate is admitted under mutual TLS: it must chain to one of the configured client
/// CAs, which are the only trust anchors (the machine's root store plays no part), be within its validity period
/// at <see cref="TimeProvider"/>'s now, and allow client authentication if it lists extended key usages.
/// </summary>
/// <remarks>Revocation is not checked: there is no CRL or OCSP setting yet, so short-lived client certificates are the way to retire one.</remarks>
internal sealed partial class ClientCertificatePolicy(TlsInstruments instruments, TimeProvider time, ILogger<ClientCertificatePolicy> logger)
{
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2", "Client Authentication");

    /// <summary>True to admit; a refusal is counted by reason and logged at Debug (never per item above that).</summary>
    public bool Admit(X509Certificate? presented, X509Chain? presentedChain, X509Certificate2Collection authorities)
    {
        ArgumentNullException.ThrowIfNull(authorities);
        var refusal = Check(presented, presentedChain, authorities, out var detail);
        if (refusal is { } reason)
        {
            instruments.Refused(reason);
            LogRefused(logger, reason, presented?.Subject ?? "(none)", detail);
            return false;
        }

        return true;
    }

    private ClientCertificateRefusal? Check(X509Certificate? presented, X509Chain? presentedChain, X509Certificate2Collection authorities, out string detail)
    {
        detail = string.Empty;
        if (presented is null)
        {
            return ClientCertificateRefusal.Missing;
        }

        var certificate = presented as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(presented.GetRawCertData());
        using var chain = new X509Chain();
        var policy = chain.ChainPolicy;
        policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        policy.CustomTrustStore.AddRange(authorities);
        policy.RevocationMode = X509RevocationMode.NoCheck;
        policy.VerificationTimeIgnored = false;
        policy.VerificationTime = time.GetUtcNow().UtcDateTime;
        policy.ApplicationPolicy.Add(ClientAuthentication);
        if (presentedChain is not null)
        {
            // Intermediates the client sent with its certificate; they are candidates for the path, never anchors.
            foreach (var element in presentedChain.ChainElements)
            {
                if (!element.Certificate.RawDataMemory.Span.SequenceEqual(certificate.RawDataMemory.Span))
                {
                    policy.ExtraStore.Add(element.Certificate);
                }
            }

            policy.ExtraStore.AddRange(presentedChain.ChainPolicy.ExtraStore);
        }

        try
        {
            if (chain.Build(certificate))
            {
                return null;
            }

            var flags = chain.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (all, s) => all | s.Status);
            detail = string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct());
            return Classify(flags);
        }
        finally
        {
            foreach (var element in chain.ChainElements)
            {
                if (!ReferenceEquals(element.Certificate, certificate))
                {
                    element.Certificate.Dispose();
                }
            }
        }
    }

    /// <summary>The refusal an operator acts on first: an untrusted chain before an expired one, which before usage.</summary>
    internal static ClientCertificateRefusal Classify(X509ChainStatusFlags flags)
    {
        if ((flags & (X509ChainStatusFlags.UntrustedRoot | X509ChainStatusFlags.PartialChain)) != 0)
        {
            return ClientCertificateRefusal.Untrusted;
        }

        if ((flags & X509ChainStatusFlags.NotTimeValid) != 0)
        {
            return ClientCertificateRefusal.Expired;
        }

        if ((flags & X509ChainStatusFlags.NotValidForUsage) != 0)
        {
            return ClientCertificateRefusal.WrongUsage;
        }

        return ClientCertificateRefusal.Invalid;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Client certificate refused ({Reason}): subject '{Subject}' {Detail}")]
    private static partial void LogRefused(ILogger logger, ClientCertificateRefusal reason, string subject, string detail);
}
