using Xunit;

namespace OtlpGrains.Silo.Tests;

/// <summary>The load tool sends over TLS trusting the test CA (<c>--ca</c>), and checks its counts over the https API.</summary>
[Collection(TlsSiloCollection.Name)]
public sealed class LoadToolTlsTests(TlsSiloFixture tls)
{
    [Theory]
    [InlineData("grpc")]
    [InlineData("http/protobuf")]
    public async Task LoadToolSendsAndChecksOverTls(string protocol)
    {
        var endpoint = protocol == "grpc" ? tls.GrpcEndpoint : tls.HttpEndpoint;

        var output = await LoadToolProcess.RunOkAsync(
            "--protocol", protocol, "--endpoint", endpoint.ToString(), "--api", tls.ApiEndpoint.ToString(), "--ca", tls.Ca.CertificatePath,
            "--requests", "6", "--streams", "2", "--services", "3", "--spans-per-request", "64", "--settle", "20");

        Assert.Contains("sending to https://", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadToolWithoutTheCaIsRefused()
    {
        var (exit, output) = await LoadToolProcess.RunAsync(
            "--endpoint", tls.GrpcEndpoint.ToString(), "--api", tls.ApiEndpoint.ToString(), "--requests", "1", "--streams", "1", "--settle", "1");

        Assert.NotEqual(0, exit);
        Assert.DoesNotContain("all services match", output, StringComparison.Ordinal);
    }
}

/// <summary>The load tool under mutual TLS, with <c>--client-cert</c> and <c>--client-key</c>.</summary>
[Collection(MutualTlsSiloCollection.Name)]
public sealed class LoadToolMutualTlsTests(MutualTlsSiloFixture tls)
{
    [Fact]
    public async Task LoadToolPresentsItsClientCertificate()
    {
        var client = tls.Ca.IssueClient($"loadtool-{Guid.NewGuid():N}"[..17]);

        await LoadToolProcess.RunOkAsync(
            "--endpoint", tls.GrpcEndpoint.ToString(), "--api", tls.ApiEndpoint.ToString(), "--ca", tls.Ca.CertificatePath,
            "--client-cert", client.CertificatePath, "--client-key", client.KeyPath,
            "--requests", "4", "--streams", "1", "--services", "2", "--spans-per-request", "64", "--settle", "20");
    }
}
