using System.Diagnostics.Metrics;
using OtlpGrains.Gateway.Ingest;

namespace OtlpGrains.Gateway.Security;

/// <summary>
/// TLS metrics on the gateway's meter: certificate reloads by result, client certificates refused by reason, and
/// when the served certificate expires (for an alert before it does).
/// </summary>
internal sealed class TlsInstruments
{
    private readonly Counter<long> _reloads;
    private readonly Counter<long> _refused;
    private long _notAfterSeconds;

    public TlsInstruments(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(GatewayInstruments.MeterName);
        _reloads = meter.CreateCounter<long>("tls_certificate_reloads_total", "{reload}", "Reloads of the TLS certificate files after a change, by result (ok, failed: the old certificate stays).");
        _refused = meter.CreateCounter<long>("tls_client_certificates_refused_total", "{handshake}", "TLS handshakes refused under mutual TLS, by reason.");
        meter.CreateObservableGauge("tls_certificate_not_after_seconds", () => Interlocked.Read(ref _notAfterSeconds), "s", "End of the served certificate's validity, in Unix seconds (0 when TLS is off).");

        // Every series exists from the start at 0, so that rate() and absent-series alerts see the first one.
        _reloads.Add(0, Result("ok"));
        _reloads.Add(0, Result("failed"));
        foreach (var reason in Enum.GetValues<ClientCertificateRefusal>())
        {
            _refused.Add(0, Reason(reason));
        }
    }

    public void Reloaded() => _reloads.Add(1, Result("ok"));

    public void ReloadFailed() => _reloads.Add(1, Result("failed"));

    public void Refused(ClientCertificateRefusal reason) => _refused.Add(1, Reason(reason));

    public void Serving(DateTimeOffset notAfter) => Interlocked.Exchange(ref _notAfterSeconds, notAfter.ToUnixTimeSeconds());

    private static KeyValuePair<string, object?> Result(string result) => new("result", result);

    private static KeyValuePair<string, object?> Reason(ClientCertificateRefusal reason) => new("reason", reason switch
    {
        ClientCertificateRefusal.Missing => "missing",
        ClientCertificateRefusal.Untrusted => "untrusted",
        ClientCertificateRefusal.Expired => "expired",
        ClientCertificateRefusal.WrongUsage => "wrong_usage",
        _ => "invalid",
    });
}

/// <summary>Why a client certificate was refused.</summary>
internal enum ClientCertificateRefusal
{
    /// <summary>The client sent none.</summary>
    Missing,

    /// <summary>It does not chain to a configured client CA.</summary>
    Untrusted,

    /// <summary>It, or a certificate of its chain, is outside its validity period.</summary>
    Expired,

    /// <summary>Its extended key usage does not allow client authentication.</summary>
    WrongUsage,

    /// <summary>Any other chain error (bad signature, invalid extension...).</summary>
    Invalid,
}
