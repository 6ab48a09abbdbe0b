using System.Diagnostics.Metrics;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using OtlpGrains.Gateway.Ingest;
using OtlpGrains.Gateway.Security;
using Xunit;

namespace OtlpGrains.Gateway.Tests;

/// <summary>Which client certificates mutual TLS admits, judged at the injected time, and how refusals are counted.</summary>
public sealed class ClientCertificatePolicyTests : IDisposable
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private readonly TestCertificates _ca = TestCertificates.CreateAuthority("policy CA");
    private readonly IMeterFactory _meters = new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>();
    private readonly TlsInstruments _instruments;
    private readonly MetricCollector<long> _refused;

    public ClientCertificatePolicyTests()
    {
        _instruments = new TlsInstruments(_meters);
        _refused = new(_meters, GatewayInstruments.MeterName, "tls_client_certificates_refused_total");
    }

    public void Dispose()
    {
        _refused.Dispose();
        _ca.Dispose();
    }

    [Fact]
    public void CertificateFromTheCaWithinItsValidityIsAdmitted()
    {
        using var client = _ca.Client("good", Now.AddDays(-1), Now.AddDays(1));

        Assert.True(Policy(Now).Admit(client, null, Authorities()));
        Assert.Equal(0, Refused("missing") + Refused("untrusted") + Refused("expired") + Refused("wrong_usage") + Refused("invalid"));
    }

    [Fact]
    public void ValidityIsJudgedAtTheInjectedTime()
    {
        using var client = _ca.Client("short", Now.AddDays(-1), Now.AddDays(1));

        Assert.False(Policy(Now.AddDays(2)).Admit(client, null, Authorities()));
        Assert.Equal(1, Refused("expired"));
    }

    [Fact]
    public void CertificateFromAnotherCaIsUntrusted()
    {
        using var other = TestCertificates.CreateAuthority("other CA");
        using var client = other.Client("intruder", Now.AddDays(-1), Now.AddDays(1));

        Assert.False(Policy(Now).Admit(client, null, Authorities()));
        Assert.Equal(1, Refused("untrusted"));
    }

    [Fact]
    public void ServerOnlyCertificateIsRefusedForItsUsage()
    {
        using var server = _ca.Server("not-a-client");

        Assert.False(Policy(Now).Admit(server, null, Authorities()));
        Assert.Equal(1, Refused("wrong_usage"));
    }

    [Fact]
    public void NoCertificateIsMissing()
    {
        Assert.False(Policy(Now).Admit(null, null, Authorities()));
        Assert.Equal(1, Refused("missing"));
    }

    [Theory]
    [InlineData(X509ChainStatusFlags.PartialChain | X509ChainStatusFlags.NotTimeValid, "Untrusted")]
    [InlineData(X509ChainStatusFlags.UntrustedRoot, "Untrusted")]
    [InlineData(X509ChainStatusFlags.NotTimeValid | X509ChainStatusFlags.NotValidForUsage, "Expired")]
    [InlineData(X509ChainStatusFlags.NotValidForUsage, "WrongUsage")]
    [InlineData(X509ChainStatusFlags.NotSignatureValid, "Invalid")]
    public void RefusalsAreClassifiedByWhatToFixFirst(X509ChainStatusFlags flags, string expected) =>
        Assert.Equal(expected, ClientCertificatePolicy.Classify(flags).ToString());

    private ClientCertificatePolicy Policy(DateTimeOffset now) => new(_instruments, new FixedTimeProvider(now), NullLogger<ClientCertificatePolicy>.Instance);

    private X509Certificate2Collection Authorities() => [X509CertificateLoader.LoadCertificate(_ca.Authority.RawData)];

    private long Refused(string reason)
    {
        _refused.RecordObservableInstruments();
        return _refused.LastMeasurement is null ? 0 : _refused.GetMeasurementSnapshot()
            .Where(m => Equals(m.Tags["reason"], reason))
            .Select(m => m.Value)
            .LastOrDefault();
    }
}
