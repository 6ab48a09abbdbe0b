using System.Globalization;
using System.Text.RegularExpressions;
using OtlpGrains.Hosting;
using Xunit;

namespace OtlpGrains.Silo.Tests;

/// <summary>
/// The load tool over each OTLP protocol against a real silo: every acknowledged span (or log record) is counted
/// once, whether it came as gRPC, HTTP protobuf or HTTP JSON; and against the null sink it sends with no check.
/// </summary>
public sealed partial class LoadToolProtocolTests(LoadToolProtocolTests.Silo fixture) : IClassFixture<LoadToolProtocolTests.Silo>
{
    [Theory]
    [InlineData("traces", "http/json")]
    [InlineData("traces", "http/protobuf")]
    [InlineData("logs", "http/json")]
    public async Task EveryProtocolCountsEveryAcknowledgedItemOnce(string signal, string protocol)
    {
        SiloProcess silo = fixture.Process;
        string output = await LoadToolProcess.RunOkAsync(
            "--signal", signal,
            "--protocol", protocol,
            "--endpoint", $"http://127.0.0.1:{silo.HttpPort}",
            "--api", $"http://127.0.0.1:{silo.ApiPort}",
            "--streams", "2",
            "--requests", "12",
            "--services", "3",
            "--run-id", "proto" + Guid.NewGuid().ToString("N")[..6]);

        Assert.Contains($"({protocol})", output, StringComparison.Ordinal);
        Match acknowledged = Acknowledged().Match(output);
        Assert.True(acknowledged.Success, output);
        Assert.True(long.Parse(acknowledged.Groups[1].Value, CultureInfo.InvariantCulture) > 0, output);
        Assert.Contains("all services match", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("grpc", "ResourceExhausted")]
    [InlineData("http/protobuf", "429")]
    public async Task AGatewayOverItsBudgetRefusesWithARetryableStatusAndLosesNothing(string protocol, string refusal)
    {
        // A budget of one request's spans: eight senders at once must be turned away, then retried, and counted once.
        int[] ports = LoopbackPorts.Take(5);
        await using var silo = SiloProcess.StartInMemory(ports, new Dictionary<string, string> { ["OtlpGrains__Otlp__MaxInFlightItems"] = "512" });
        await silo.WaitReadyAsync(TimeSpan.FromSeconds(90));

        string output = await LoadToolProcess.RunOkAsync(
            "--protocol", protocol,
            "--endpoint", $"http://127.0.0.1:{(protocol == "grpc" ? silo.GrpcPort : silo.HttpPort)}",
            "--api", $"http://127.0.0.1:{silo.ApiPort}",
            "--streams", "8",
            "--requests", "40",
            "--services", "3",
            "--run-id", "busy" + Guid.NewGuid().ToString("N")[..6]);

        Assert.Matches($@"retries\s+[1-9]\d* after refusals asking to back off \({refusal} \d+\)", output);
        Assert.Contains("failures          0", output, StringComparison.Ordinal);
        Assert.Contains("all services match", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NullSinkAcknowledgesWhatItIsSent()
    {
        int[] ports = LoopbackPorts.Take(2);
        await using var sink = LoadToolProcess.Start("sink", "--grpc-port", ports[0].ToString(CultureInfo.InvariantCulture), "--http-port", ports[1].ToString(CultureInfo.InvariantCulture));
        await sink.WaitForOutputAsync("null sink:", TimeSpan.FromSeconds(60));
        foreach ((string protocol, int port) in new[] { ("grpc", ports[0]), ("http/json", ports[1]) })
        {
            string output = await LoadToolProcess.RunOkAsync("--protocol", protocol, "--endpoint", $"http://127.0.0.1:{port}", "--requests", "20", "--no-check");
            Assert.Contains("spans             10240 acknowledged", output, StringComparison.Ordinal);
            Assert.Contains("failures          0", output, StringComparison.Ordinal);
        }
    }

    /// <summary>One in-memory silo for the protocol cases.</summary>
    public sealed class Silo : IAsyncLifetime
    {
        private readonly SiloProcess _silo = SiloProcess.StartInMemory(LoopbackPorts.Take(5));

        internal SiloProcess Process => _silo;

        public Task InitializeAsync() => _silo.WaitReadyAsync(TimeSpan.FromSeconds(90));

        public Task DisposeAsync() => _silo.DisposeAsync().AsTask();
    }

    [GeneratedRegex(@"^(?:spans|records)\s+(\d+) acknowledged", RegexOptions.Multiline)]
    private static partial Regex Acknowledged();
}
