using Xunit;
using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace OtlpGrains.Silo.Tests;

/// <summary>
/// Two instrumented services, each with its own OpenTelemetry SDK tracer provider and OTLP exporter, as in real
/// life: <c>frontend</c> serves <c>GET /checkout</c> and calls <c>cart</c>, which calls Redis (an uninstrumented
/// peer). Durations are set explicitly so the expected percentiles are exact. Every tenth trace fails in frontend
/// (status ERROR); every tenth, offset by five, fails in cart (HTTP 503).
/// </summary>
internal sealed class CheckoutScenario
{
    public CheckoutScenario(string prefix, int traces)
    {
        Frontend = $"{prefix}-frontend";
        Cart = $"{prefix}-cart";
        Traces = traces;
    }

    public string Frontend { get; }

    public string Cart { get; }

    public int Traces { get; }

    /// <summary>Root (frontend request) duration of trace i, in ms.</summary>
    public static double RootMs(int i) => 10 + i;

    /// <summary>cart's SERVER span duration of trace i, in ms.</summary>
    public static double CartMs(int i) => 4 + (i % 5);

    public static bool FrontendFails(int i) => i % 10 == 0;

    public static bool CartFails(int i) => i % 10 == 5;

    public List<string> TraceIds { get; } = [];

    public List<string> RootSpanIds { get; } = [];

    public void Run(OtlpExportProtocol protocol, Uri endpoint)
    {
        var frontendSource = new ActivitySource($"{Frontend}.source");
        var cartSource = new ActivitySource($"{Cart}.source");
        using var frontendProvider = Provider(Frontend, frontendSource.Name, protocol, endpoint);
        using var cartProvider = Provider(Cart, cartSource.Name, protocol, endpoint);

        var t0 = DateTime.UtcNow.AddSeconds(-5);
        for (var i = 0; i < Traces; i++)
        {
            var start = t0.AddMilliseconds(i);
            using var root = frontendSource.StartActivity("GET /checkout", ActivityKind.Server, default(ActivityContext), startTime: start)!;
            root.SetTag("http.request.method", "GET");
            root.SetTag("http.response.status_code", FrontendFails(i) ? 500 : 200);
            if (FrontendFails(i))
            {
                root.SetStatus(ActivityStatusCode.Error, "checkout failed");
            }

            using (var client = frontendSource.StartActivity("POST /cart", ActivityKind.Client, root.Context, startTime: start.AddMilliseconds(1))!)
            {
                using (var server = cartSource.StartActivity("POST /cart", ActivityKind.Server, client.Context, startTime: start.AddMilliseconds(2))!)
                {
                    server.SetTag("http.response.status_code", CartFails(i) ? 503 : 200);
                    using (var redis = cartSource.StartActivity("GET", ActivityKind.Client, server.Context, startTime: start.AddMilliseconds(3))!)
                    {
                        redis.SetTag("db.system.name", "redis");
                        redis.SetEndTime(start.AddMilliseconds(4));
                    }

                    server.SetEndTime(start.AddMilliseconds(2 + CartMs(i)));
                }

                client.SetEndTime(start.AddMilliseconds(3 + CartMs(i)));
            }

            root.SetEndTime(start.AddMilliseconds(RootMs(i)));
            TraceIds.Add(root.TraceId.ToHexString());
            RootSpanIds.Add(root.SpanId.ToHexString());
        }

        Assert.True(frontendProvider.ForceFlush(10_000), "frontend export did not finish");
        Assert.True(cartProvider.ForceFlush(10_000), "cart export did not finish");
    }

    /// <summary>The nearest-rank quantile of the given values.</summary>
    public static double Quantile(IEnumerable<double> values, double q)
    {
        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(q * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    private static TracerProvider Provider(string service, string source, OtlpExportProtocol protocol, Uri endpoint) =>
        Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService(service))
            .AddSource(source)
            .AddOtlpExporter(o =>
            {
                o.Protocol = protocol;
                o.Endpoint = protocol == OtlpExportProtocol.HttpProtobuf ? new Uri(endpoint, "/v1/traces") : endpoint;
            })
            .Build();
}
