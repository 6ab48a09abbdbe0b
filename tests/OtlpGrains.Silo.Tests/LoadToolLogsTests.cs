using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using OtlpGrains.Hosting;
using Xunit;

namespace OtlpGrains.Silo.Tests;

/// <summary>
/// The load tool's logs mode (<c>--signal logs</c>): against a real silo every acknowledged record is counted once,
/// the bodies fall into a bounded set of templates, and the traced ERROR records reach the exemplars with their
/// trace ids; offline, the stamped requests parse as the templates say.
/// </summary>
public sealed partial class LoadToolLogsTests
{
    private const int Services = 3;

    [Fact]
    public async Task LogsModeCountsEveryAcknowledgedRecord()
    {
        int[] ports = LoopbackPorts.Take(5);
        await using var silo = SiloProcess.StartInMemory(ports);
        await silo.WaitReadyAsync(TimeSpan.FromSeconds(90));

        string runId = "logs" + Guid.NewGuid().ToString("N")[..6];
        string output = await LoadToolProcess.RunOkAsync(
            "--signal", "logs",
            "--endpoint", $"http://127.0.0.1:{silo.GrpcPort}",
            "--api", $"http://127.0.0.1:{silo.ApiPort}",
            "--streams", "2",
            "--duration", "5",
            "--services", Services.ToString(CultureInfo.InvariantCulture),
            "--records-per-request", "200",
            "--run-id", runId);

        // The tool compared per service; the sum over the API must also be what it says it sent.
        Match acknowledged = AcknowledgedRecords().Match(output);
        Assert.True(acknowledged.Success, $"no records line in:\n{output}");
        long sent = long.Parse(acknowledged.Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(sent > 0, output);
        Assert.Contains("all services match", output, StringComparison.Ordinal);

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{silo.ApiPort}") };
        long counted = 0;
        for (int i = 0; i < Services; i++)
        {
            var detail = await http.GetFromJsonAsync<JsonElement>(new Uri($"/api/v1/services/load-{runId}-svc-{i:D2}", UriKind.Relative));
            counted += detail.GetProperty("totals").GetProperty("logs").GetInt64();
        }

        Assert.Equal(sent, counted);

        // 21 message shapes with drawn numbers, ids and addresses: a bounded set of templates, not one per line.
        var templates = (await http.GetFromJsonAsync<JsonElement>(new Uri($"/api/v1/services/load-{runId}-svc-00/logs/templates", UriKind.Relative)))
            .GetProperty("templates").EnumerateArray().ToArray();
        Assert.InRange(templates.Length, 10, 42);
        var errorTraceIds = templates
            .Where(t => t.GetProperty("severity").GetString() == "ERROR")
            .SelectMany(t => t.GetProperty("exemplars").EnumerateArray())
            .Select(e => e.GetProperty("traceId").GetString())
            .ToArray();
        Assert.NotEmpty(errorTraceIds);
        Assert.All(errorTraceIds, id => Assert.Matches("^[0-9a-f]{32}$", id));
    }

    [Fact]
    public async Task LogsDryRunParsesEveryStampedRequest()
    {
        string output = await LoadToolProcess.RunOkAsync("--signal", "logs", "--dry-run", "--services", "7", "--records-per-request", "50");

        Assert.Contains("7 services", output, StringComparison.Ordinal);
        Assert.Contains("dry run ok", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LogsModeRefusesTraceOnlyOptions()
    {
        (int exitCode, string output) = await LoadToolProcess.RunAsync("--signal", "logs", "--fault", "errors");

        Assert.Equal(2, exitCode);
        Assert.Contains("--fault is for --signal traces", output, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^records\s+(\d+) acknowledged", RegexOptions.Multiline)]
    private static partial Regex AcknowledgedRecords();
}
