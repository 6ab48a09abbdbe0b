using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Xunit;

namespace OtlpGrains.Silo.Tests.Security;

/// <summary>
/// The OTel .NET SDK presents a key through the exporter's <c>Headers</c> option, which is what
/// <c>OTEL_EXPORTER_OTLP_HEADERS=authorization=Bearer &lt;key&gt;</c> sets: its spans arrive with a right key, and
/// with a wrong one the SDK sees UNAUTHENTICATED (gRPC) or 401 (HTTP) and nothing arrives.
/// </summary>
[Collection(SecuredSiloCollection.Name)]
public sealed class SdkKeyTests(SecuredSilo silo)
{
    private const int Spans = 5;

    [Theory]
    [InlineData(OtlpExportProtocol.Grpc)]
    [InlineData(OtlpExportProtocol.HttpProtobuf)]
    public async Task SdkWithItsKeyInHeadersIsCounted(OtlpExportProtocol protocol)
    {
        var service = $"auth-sdk-{protocol}-{Guid.NewGuid():N}"[..28];

        Export(protocol, service, $"authorization=Bearer {SecuredSilo.Secrets["collector"]}");

        Assert.Equal(Spans, await SiloFixture.EventuallyAsync(() => silo.SpansAsync(service), n => n == Spans));
    }

    [Theory]
    [InlineData(OtlpExportProtocol.Grpc, "Unauthenticated", "otlp_grpc")]
    [InlineData(OtlpExportProtocol.HttpProtobuf, "401", "otlp_http")]
    public async Task SdkWithAWrongKeyIsRefusedAndNothingArrives(OtlpExportProtocol protocol, string seen, string endpoint)
    {
        var service = $"auth-sdk-bad-{Guid.NewGuid():N}"[..28];
        var before = await silo.MetricsAsync();
        using var events = new ExporterEvents();

        Export(protocol, service, $"authorization=Bearer {SecuredSilo.Secret()}");

        var port = (protocol == OtlpExportProtocol.Grpc ? silo.GrpcPort : silo.HttpPort).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains(events.Lines, l => l.Contains(port, StringComparison.Ordinal) && l.Contains(seen, StringComparison.Ordinal));
        var after = await silo.MetricsAsync();
        const string Refusals = "otlpgrains_gateway_auth_refusals_total";
        Assert.True(
            SecuredSilo.Series(after, Refusals, "reason=\"unknown\"", $"endpoint=\"{endpoint}\"") > SecuredSilo.Series(before, Refusals, "reason=\"unknown\"", $"endpoint=\"{endpoint}\""),
            "the wrong key's export was not refused as unknown");
        Assert.Equal(0, await silo.SpansAsync(service));
    }

    private void Export(OtlpExportProtocol protocol, string service, string headers)
    {
        using var source = new ActivitySource($"auth-sdk-{Guid.NewGuid():N}");
        using (var provider = Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService(service))
            .AddSource(source.Name)
            .AddOtlpExporter(o =>
            {
                o.Protocol = protocol;
                o.Endpoint = protocol == OtlpExportProtocol.Grpc
                    ? new Uri($"http://127.0.0.1:{silo.GrpcPort}")
                    : new Uri($"http://127.0.0.1:{silo.HttpPort}/v1/traces");
                o.Headers = headers;
            })
            .Build())
        {
            for (var i = 0; i < Spans; i++)
            {
                using var span = source.StartActivity("GET /sdk", ActivityKind.Server);
            }

            provider.ForceFlush(10_000);
        }
    }
}
