using OtlpGrains.Gateway.Security;
using Xunit;

namespace OtlpGrains.Gateway.Tests;

/// <summary>The TLS settings are checked at start, one line per problem naming the setting.</summary>
public sealed class TlsOptionsValidatorTests : IDisposable
{
    private readonly string _file = Path.GetTempFileName();

    public void Dispose() => File.Delete(_file);

    [Fact]
    public void NoCertificateIsCleartextAndValid()
    {
        var options = new TlsOptions();

        Assert.True(new TlsOptionsValidator().Validate(null, options).Succeeded);
        Assert.False(options.AppliesTo(TlsListener.OtlpGrpc));
        Assert.Equal("http", options.Scheme(TlsListener.Api));
    }

    [Fact]
    public void ExistingFilesAreValidAndEachListenerCanOptOut()
    {
        var options = new TlsOptions { CertificatePath = _file, KeyPath = _file, ClientCaPath = _file, Api = false };

        Assert.True(new TlsOptionsValidator().Validate(null, options).Succeeded);
        Assert.True(options.MutualTls);
        Assert.Equal("https", options.Scheme(TlsListener.OtlpGrpc));
        Assert.Equal("https", options.Scheme(TlsListener.OtlpHttp));
        Assert.Equal("http", options.Scheme(TlsListener.Api));
    }

    [Fact]
    public void EveryMissingFileIsNamed()
    {
        var options = new TlsOptions { CertificatePath = "/nowhere/tls.crt", KeyPath = "/nowhere/tls.key", ClientCaPath = "/nowhere/ca.crt" };

        var result = new TlsOptionsValidator().Validate(null, options);

        Assert.Equal(
        [
            "OtlpGrains:Tls:CertificatePath '/nowhere/tls.crt' is not a readable file",
            "OtlpGrains:Tls:KeyPath '/nowhere/tls.key' is not a readable file",
            "OtlpGrains:Tls:ClientCaPath '/nowhere/ca.crt' is not a readable file",
        ], result.Failures!);
    }

    [Fact]
    public void KeyWithoutCertificateIsRefused()
    {
        var result = new TlsOptionsValidator().Validate(null, new TlsOptions { KeyPath = _file });

        Assert.False(result.Succeeded);
        Assert.StartsWith("OtlpGrains:Tls:KeyPath and ClientCaPath need OtlpGrains:Tls:CertificatePath", Assert.Single(result.Failures!), StringComparison.Ordinal);
    }
}
