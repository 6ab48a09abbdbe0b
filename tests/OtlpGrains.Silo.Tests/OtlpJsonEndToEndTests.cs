using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Xunit;

namespace OtlpGrains.Silo.Tests;

/// <summary>OTLP/HTTP with a gzip-compressed OTLP JSON body (hex ids, integer enums, int64 as strings).</summary>
[Collection(SiloCollection.Name)]
public sealed class OtlpJsonEndToEndTests(SiloFixture silo)
{
    [Fact]
    public async Task GzipJsonIsAcceptedAndAnsweredInJson()
    {
        var service = $"json-{Guid.NewGuid():N}"[..20];
        var traceId = Guid.NewGuid().ToString("N");
        var end = (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100;
        var json = $$$"""
            {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"{{{service}}}"}}]},
              "scopeSpans":[{"scope":{"name":"manual"},"spans":[
                {"traceId":"{{{traceId}}}","spanId":"00f067aa0ba902b7","name":"GET /","kind":2,
                 "startTimeUnixNano":"{{{end - 3_000_000}}}","endTimeUnixNano":"{{{end}}}","status":{"code":2}},
                {"traceId":"{{{traceId}}}","spanId":"00f067aa0ba902b8","parentSpanId":"00f067aa0ba902b7","name":"SELECT","kind":3,
                 "startTimeUnixNano":{{{end - 2_000_000}}},"endTimeUnixNano":{{{end - 1_000_000}}},
                 "attributes":[{"key":"db.system.name","value":{"stringValue":"postgresql"}}]}]}]}]}
            """;
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes(json));
        }

        var content = new ByteArrayContent(compressed.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        content.Headers.ContentEncoding.Add("gzip");
        using var otlp = new HttpClient();
        var response = await otlp.PostAsync(new Uri(silo.HttpEndpoint, "/v1/traces"), content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("{}", (await response.Content.ReadAsStringAsync()).Trim());

        var seen = await silo.ServiceAsync(service);
        Assert.Equal(2, seen?.GetProperty("spans").GetInt64());
        Assert.Equal(1, seen?.GetProperty("requests").GetInt64());
        Assert.Equal(1, seen?.GetProperty("errors").GetInt64());

        // The error trace is kept, with the ids as the JSON gave them.
        var kept = await SiloFixture.EventuallyAsync(() => silo.Api.GetAsync($"/api/v1/traces/{traceId}"), r => r.StatusCode == HttpStatusCode.OK);
        var trace = JsonDocument.Parse(await kept.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("00f067aa0ba902b7", trace.GetProperty("spans")[0].GetProperty("spanId").GetString());
        Assert.Equal("00f067aa0ba902b7", trace.GetProperty("spans")[1].GetProperty("parentSpanId").GetString());
    }
}
