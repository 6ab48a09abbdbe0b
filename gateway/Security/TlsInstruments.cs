using System.Diagnostics.Metrics;
using OtlpGrains.Gateway.Ingest;

namespace OtlpGrains.Gateway.Security;

/// <summary>
/// TLS metrics on the gateway's meter: certificate reloads by result, client certificates refused by reason, and
/// when the served certificate expires (for an alert before it does).
/// </summary>
internal sealed class TlsInstruments
{
    private readonly long[] _refused = new long[Enum.GetValues<ClientCertificateRefusal>().Length];
    private long _reloaded;
    private long _reloadsFailed;
    private long _notAfterSeconds;

    /// <remarks>
    /// Observable instruments over plain fields, because Kestrel builds the listeners (and so these instruments)
    /// before <c>/metrics</c> starts listening: a measurement recorded then would be lost, a field read at each
    /// scrape is not, and every series shows from the start at 0.
    /// </remarks>
    public TlsInstruments(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(GatewayInstruments.MeterName);
        meter.CreateObservableCounter(
            "tls_certificate_reloads_total",
            () => new[] { new Measurement<long>(Interlocked.Read(ref _reloaded), Result("ok")), new Measurement<long>(Interlocked.Read(ref _reloadsFailed), Result("failed")) },
            "{reload}",
            "Reloads of the TLS certificate files after a change, by result (ok, or failed: the old certificate stays).");
        meter.CreateObservableCounter(
            "tls_client_certificates_refused_total",
            () => Enum.GetValues<ClientCertificateRefusal>().Select(r => new Measurement<long>(Interlocked.Read(ref _refused[(int)r]), Reason(r))),
            "{handshake}",
            "TLS handshakes refused under mutual TLS, by reason.");
        meter.CreateObservableGauge("tls_certificate_not_after_seconds", () => Interlocked.Read(ref _notAfterSeconds), "s", "End of the served certificate's validity, in Unix seconds.");
    }

    public void Reloaded() => Interlocked.Increment(ref _reloaded);

    public void ReloadFailed() => Interlocked.Increment(ref _reloadsFailed);

    public void Refused(ClientCertificateRefusal reason) => Interlocked.Increment(ref _refused[(int)reason]);

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
