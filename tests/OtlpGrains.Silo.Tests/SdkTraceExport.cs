using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace OtlpGrains.Silo.Tests;

/// <summary>The OpenTelemetry .NET SDK exporting a few server spans of one service, over the HTTP client the test gives it.</summary>
internal static class SdkTraceExport
{
    /// <summary>Exports <paramref name="spans"/> spans; true when the SDK's flush reported success.</summary>
    public static bool Run(string service, int spans, OtlpExportProtocol protocol, Uri endpoint, Func<HttpClient> http)
    {
        using var source = new ActivitySource(service + ".source");
        using var provider = Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService(service))
            .AddSource(source.Name)
            .AddOtlpExporter(o =>
            {
                o.Protocol = protocol;
                o.Endpoint = protocol == OtlpExportProtocol.HttpProtobuf ? new Uri(endpoint, "/v1/traces") : endpoint;
                o.HttpClientFactory = http;
                o.TimeoutMilliseconds = 10_000;
            })
            .Build();
        var start = DateTime.UtcNow.AddSeconds(-2);
        for (var i = 0; i < spans; i++)
        {
            using var span = source.StartActivity("GET /tls", ActivityKind.Server, default(ActivityContext), startTime: start.AddMilliseconds(i))!;
            span.SetTag("http.response.status_code", 200);
            span.SetEndTime(start.AddMilliseconds(i + 5));
        }

        return provider.ForceFlush(15_000);
    }
}
