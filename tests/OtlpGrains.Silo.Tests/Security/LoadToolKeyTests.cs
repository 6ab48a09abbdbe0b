using Xunit;

namespace OtlpGrains.Silo.Tests.Security;

/// <summary>
/// The load tool presents an API key with <c>--header</c> on its exports and its API check, over gRPC and HTTP, and
/// a second key with <c>--api-header</c> on the check alone.
/// </summary>
[Collection(SecuredSiloCollection.Name)]
public sealed class LoadToolKeyTests(SecuredSilo silo)
{
    [Theory]
    [InlineData("grpc")]
    [InlineData("http/protobuf")]
    public async Task LoadToolSendsAndChecksWithAKey(string protocol)
    {
        var port = protocol == "grpc" ? silo.GrpcPort : silo.HttpPort;

        await LoadToolProcess.RunOkAsync(
            "--protocol", protocol, "--endpoint", $"http://127.0.0.1:{port}", "--api", $"http://127.0.0.1:{silo.ApiPort}",
            "--header", $"authorization=Bearer {SecuredSilo.Secrets["everything"]}",
            "--requests", "6", "--streams", "2", "--services", "3", "--spans-per-request", "64", "--settle", "20");
    }

    [Fact]
    public async Task AnIngestOnlyKeyExportsAndTheApiHeaderChecks()
    {
        string[] run =
        [
            "--endpoint", $"http://127.0.0.1:{silo.GrpcPort}", "--api", $"http://127.0.0.1:{silo.ApiPort}",
            "--header", $"authorization=Bearer {SecuredSilo.Secrets["collector"]}",
            "--requests", "4", "--streams", "1", "--services", "2", "--spans-per-request", "64",
        ];

        // The collector's key may export but not read the counts back; a reader's key on the API queries can.
        var (refused, output) = await LoadToolProcess.RunAsync([.. run, "--settle", "2"]);
        await LoadToolProcess.RunOkAsync([.. run, "--api-header", $"authorization=Bearer {SecuredSilo.Secrets["reader"]}", "--settle", "20"]);

        Assert.Equal(1, refused);
        Assert.Contains("query API error", output, StringComparison.Ordinal);
        Assert.Contains("403", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadToolWithoutTheKeyIsRefused()
    {
        var (exit, output) = await LoadToolProcess.RunAsync(
            "--endpoint", $"http://127.0.0.1:{silo.GrpcPort}", "--api", $"http://127.0.0.1:{silo.ApiPort}",
            "--requests", "1", "--streams", "1", "--settle", "1");

        Assert.NotEqual(0, exit);
        Assert.Contains("Unauthenticated", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AHeaderWithoutANameIsAUsageError()
    {
        var (exit, output) = await LoadToolProcess.RunAsync("--header", "=Bearer x", "--dry-run");

        Assert.Equal(2, exit);
        Assert.Contains("--header", output, StringComparison.Ordinal);
    }
}
