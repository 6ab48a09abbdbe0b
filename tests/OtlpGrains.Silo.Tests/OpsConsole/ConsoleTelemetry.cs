using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Xunit;

namespace OtlpGrains.Silo.Tests.OpsConsole;

/// <summary>
/// A small checkout the console tests send over OTLP/HTTP JSON at the current time: shop calls payments, payments
/// reads a card (fine) and then fails, and an ERROR log line of payments names the trace. The error keeps the trace,
/// and the log line's template shows it as its exemplar.
/// </summary>
internal static class ConsoleTelemetry
{
    public const string Shop = "console-shop";
    public const string Payments = "console-payments";

    public static async Task<string> SendFailedCheckoutAsync(Uri otlpHttp, string ingestKey)
    {
        string traceId = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        string root = SpanId(), call = SpanId(), charge = SpanId(), select = SpanId();
        long now = (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 3000) * 1_000_000;
        object Span(string id, string? parent, string name, int kind, long startMs, long endMs, int status = 2) => new
        {
            traceId,
            spanId = id,
            parentSpanId = parent ?? "",
            name,
            kind,
            startTimeUnixNano = Nanos(now + (startMs * 1_000_000)),
            endTimeUnixNano = Nanos(now + (endMs * 1_000_000)),
            status = new { code = status },

            // What the SDKs' instrumentations put on such spans: the request's method and path, or the statement.
            attributes = name.StartsWith("SELECT", StringComparison.Ordinal)
                ? new object[] { Attribute("db.system.name", "postgresql"), Attribute("db.query.text", "SELECT * FROM cards WHERE id = ?") }
                : [Attribute("http.request.method", name.Split(' ')[0]), Attribute("url.path", name.Split(' ')[1]), new { key = "http.response.status_code", value = new { intValue = status == 2 ? "500" : "200" } }],
        };
        string traces = JsonSerializer.Serialize(new
        {
            resourceSpans = new[]
            {
                new { resource = Resource(Shop), scopeSpans = new[] { new { spans = new[] { Span(root, null, "GET /checkout", 2, 0, 420), Span(call, root, "POST /charge", 3, 20, 400) } } } },
                new { resource = Resource(Payments), scopeSpans = new[] { new { spans = new[] { Span(charge, call, "POST /charge", 2, 30, 390), Span(select, charge, "SELECT card", 1, 40, 120, 1) } } } },
            },
        });
        string logs = JsonSerializer.Serialize(new
        {
            resourceLogs = new[]
            {
                new
                {
                    resource = Resource(Payments),
                    scopeLogs = new[]
                    {
                        new
                        {
                            logRecords = new[]
                            {
                                new { timeUnixNano = Nanos(now + 380_000_000), severityNumber = 17, severityText = "ERROR", body = new { stringValue = "charge 4711 failed: card issuer timed out" }, traceId, spanId = charge },
                            },
                        },
                    },
                },
            },
        });

        using var client = new HttpClient { BaseAddress = otlpHttp, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ingestKey);
        foreach (var (path, body) in new[] { ("/v1/traces", traces), ("/v1/logs", logs) })
        {
            using var response = await client.PostAsync(new Uri(path, UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"));
            Assert.True(response.IsSuccessStatusCode, $"{path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        return traceId;
    }

    private static object Attribute(string key, string value) => new { key, value = new { stringValue = value } };

    private static object Resource(string service) => new { attributes = new[] { new { key = "service.name", value = new { stringValue = service } } } };

    private static string Nanos(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string SpanId() => Convert.ToHexStringLower(BitConverter.GetBytes(Random.Shared.NextInt64(1, long.MaxValue)));
}
