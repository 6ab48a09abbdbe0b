using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Proto.Collector.Trace.V1;
using Xunit;

namespace OtlpGrains.Silo.Tests;

/// <summary>
/// A flood of spans with made-up service names against a silo with a small service limit: the services beyond it are
/// rejected (OTLP partial success) before any grain of theirs exists, so the grains, and the memory they hold, stay
/// bounded by the limit.
/// </summary>
public sealed class ServiceLimitTests
{
    private const int Limit = 25;
    private const int Requests = 20;
    private const int ServicesPerRequest = 100;

    [Fact]
    public async Task AFloodOfMadeUpServiceNamesCreatesNoMoreServicesThanTheLimit()
    {
        await using var silo = new SiloFixture([$"--OtlpGrains:Limits:MaxServices={Limit}"]);
        await silo.InitializeAsync();
        using var otlp = new HttpClient { BaseAddress = silo.HttpEndpoint };

        long rejected = 0;
        for (var r = 0; r < Requests; r++)
        {
            var request = new ExportTraceServiceRequest();
            for (var s = 0; s < ServicesPerRequest; s++)
            {
                request.ResourceSpans.Add(OneSpanRequests.Resource($"flood-{Guid.NewGuid():N}"));
            }

            using var content = new ByteArrayContent(request.ToByteArray());
            content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
            using var response = await otlp.PostAsync(new Uri("/v1/traces", UriKind.Relative), content);
            Assert.True(response.IsSuccessStatusCode, $"HTTP {(int)response.StatusCode}");
            var answer = ExportTraceServiceResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());
            rejected += answer.PartialSuccess?.RejectedSpans ?? 0;
            if (answer.PartialSuccess?.RejectedSpans > 0)
            {
                Assert.Contains("beyond the service limit", answer.PartialSuccess.ErrorMessage, StringComparison.Ordinal);
            }
        }

        Assert.Equal(Requests * ServicesPerRequest - Limit, rejected);
        var listed = await silo.Api.GetFromJsonAsync<JsonElement>("/api/v1/services");
        Assert.Equal(Limit, listed.GetProperty("services").GetArrayLength());

        // No grain was made for a refused service: at most one service grain per admitted service.
        var statistics = await silo.App.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics();
        var serviceGrains = statistics.Where(s => s.GrainType.EndsWith(".ServiceGrain", StringComparison.Ordinal) || s.GrainType.Contains(".ServiceGrain,", StringComparison.Ordinal))
            .Sum(s => s.ActivationCount);
        Assert.InRange(serviceGrains, 1, Limit);

        var metrics = await silo.Api.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Contains(
            $"otlpgrains_gateway_limited_items_total{{limit=\"services\",signal=\"traces\"}} {Requests * ServicesPerRequest - Limit}",
            metrics,
            StringComparison.Ordinal);
    }
}
