using System.Net;
using Grpc.Core;
using Xunit;

namespace OtlpGrains.Silo.Tests.Security;

/// <summary>
/// Each role against each endpoint family over the real listeners: OTLP/gRPC and OTLP/HTTP need ingest; the query
/// API, <c>/metrics</c> and the dashboard need read; model changes need admin, which implies read; health is open.
/// </summary>
[Collection(SecuredSiloCollection.Name)]
public sealed class RoleMatrixTests(SecuredSilo silo)
{
    public enum Target
    {
        OtlpGrpc,
        OtlpHttp,
        Query,
        Metrics,
        Dashboard,
        ModelChange,
        Health,
    }

    public enum Outcome
    {
        Allowed,
        Unauthenticated,
        Forbidden,
    }

    /// <summary>Key <c>null</c> sends no header; <c>stranger</c> sends a key nobody configured.</summary>
    [Theory]
    [InlineData(null, Target.OtlpGrpc, Outcome.Unauthenticated)]
    [InlineData(null, Target.OtlpHttp, Outcome.Unauthenticated)]
    [InlineData(null, Target.Query, Outcome.Unauthenticated)]
    [InlineData(null, Target.Metrics, Outcome.Unauthenticated)]
    [InlineData(null, Target.Dashboard, Outcome.Unauthenticated)]
    [InlineData(null, Target.ModelChange, Outcome.Unauthenticated)]
    [InlineData(null, Target.Health, Outcome.Allowed)]
    [InlineData("stranger", Target.OtlpGrpc, Outcome.Unauthenticated)]
    [InlineData("stranger", Target.OtlpHttp, Outcome.Unauthenticated)]
    [InlineData("stranger", Target.Query, Outcome.Unauthenticated)]
    [InlineData("stranger", Target.Metrics, Outcome.Unauthenticated)]
    [InlineData("stranger", Target.Dashboard, Outcome.Unauthenticated)]
    [InlineData("stranger", Target.ModelChange, Outcome.Unauthenticated)]
    [InlineData("stranger", Target.Health, Outcome.Allowed)]
    [InlineData("collector", Target.OtlpGrpc, Outcome.Allowed)]
    [InlineData("collector", Target.OtlpHttp, Outcome.Allowed)]
    [InlineData("collector", Target.Query, Outcome.Forbidden)]
    [InlineData("collector", Target.Metrics, Outcome.Forbidden)]
    [InlineData("collector", Target.Dashboard, Outcome.Forbidden)]
    [InlineData("collector", Target.ModelChange, Outcome.Forbidden)]
    [InlineData("collector", Target.Health, Outcome.Allowed)]
    [InlineData("reader", Target.OtlpGrpc, Outcome.Forbidden)]
    [InlineData("reader", Target.OtlpHttp, Outcome.Forbidden)]
    [InlineData("reader", Target.Query, Outcome.Allowed)]
    [InlineData("reader", Target.Metrics, Outcome.Allowed)]
    [InlineData("reader", Target.Dashboard, Outcome.Allowed)]
    [InlineData("reader", Target.ModelChange, Outcome.Forbidden)]
    [InlineData("reader", Target.Health, Outcome.Allowed)]
    [InlineData("operator", Target.OtlpGrpc, Outcome.Forbidden)]
    [InlineData("operator", Target.OtlpHttp, Outcome.Forbidden)]
    [InlineData("operator", Target.Query, Outcome.Allowed)]
    [InlineData("operator", Target.Metrics, Outcome.Allowed)]
    [InlineData("operator", Target.Dashboard, Outcome.Allowed)]
    [InlineData("operator", Target.ModelChange, Outcome.Allowed)]
    [InlineData("operator", Target.Health, Outcome.Allowed)]
    [InlineData("everything", Target.OtlpGrpc, Outcome.Allowed)]
    [InlineData("everything", Target.ModelChange, Outcome.Allowed)]
    public async Task RoleMeetsEndpoint(string? key, Target target, Outcome expected)
    {
        var secret = key is null ? null : SecuredSilo.Secrets.GetValueOrDefault(key) ?? SecuredSilo.Secret();
        var service = $"auth-{target}-{Guid.NewGuid():N}"[..28];

        var outcome = await AttemptAsync(secret, target, service);

        Assert.Equal(expected, outcome);
        if (target is Target.OtlpGrpc or Target.OtlpHttp)
        {
            // An allowed export is counted when it is acknowledged; a refused one touches nothing.
            Assert.Equal(outcome == Outcome.Allowed ? 1 : 0, await silo.SpansAsync(service));
        }
    }

    [Fact]
    public async Task RotatedKeysAreBothValidAtOnce()
    {
        var service = $"auth-rotate-{Guid.NewGuid():N}"[..28];

        await silo.ExportGrpcAsync(SecuredSilo.Secrets["collector"], service);
        await silo.ExportGrpcAsync(SecuredSilo.Secrets["collector-next"], service);
        using var next = await silo.ExportHttpAsync(SecuredSilo.Secrets["collector-next"], service);

        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.Equal(3, await silo.SpansAsync(service));
    }

    [Fact]
    public async Task EachRefusalIsCountedByReasonAndEndpoint()
    {
        var before = await silo.MetricsAsync();
        await Assert.ThrowsAsync<RpcException>(() => silo.ExportGrpcAsync(null, "auth-count"));
        using (await silo.ExportHttpAsync(SecuredSilo.Secret(), "auth-count"))
        {
        }

        using (var collector = silo.Client(SecuredSilo.Secrets["collector"]))
        using (await collector.GetAsync("/api/v1/services"))
        {
        }

        var after = await silo.MetricsAsync();
        const string Refusals = "otlpgrains_gateway_auth_refusals_total";
        Assert.Equal(1, Delta(Refusals, "reason=\"missing\"", "endpoint=\"otlp_grpc\""));
        Assert.Equal(1, Delta(Refusals, "reason=\"unknown\"", "endpoint=\"otlp_http\""));
        Assert.Equal(1, Delta(Refusals, "reason=\"forbidden\"", "endpoint=\"api\""));
        Assert.Equal(0, Delta(Refusals, "reason=\"forbidden\"", "endpoint=\"otlp_grpc\""));

        double Delta(string metric, params string[] labels) =>
            SecuredSilo.Series(after, metric, labels) - SecuredSilo.Series(before, metric, labels);
    }

    [Fact]
    public async Task RefusalsSayWhyInOneLine()
    {
        using var missing = await silo.ExportHttpAsync(null, "auth-why");
        Assert.Equal("Bearer", missing.Headers.WwwAuthenticate.ToString());
        var status = Google.Rpc.Status.Parser.ParseFrom(await missing.Content.ReadAsByteArrayAsync());
        Assert.Equal((int)StatusCode.Unauthenticated, status.Code);
        Assert.Contains("authorization: Bearer", status.Message, StringComparison.Ordinal);

        var forbidden = await Assert.ThrowsAsync<RpcException>(() => silo.ExportGrpcAsync(SecuredSilo.Secrets["reader"], "auth-why"));
        Assert.Equal(StatusCode.PermissionDenied, forbidden.StatusCode);
        Assert.Equal("API key 'reader' does not have the ingest role", forbidden.Status.Detail);

        using var collector = silo.Client(SecuredSilo.Secrets["collector"]);
        using var read = await collector.GetAsync("/api/v1/services");
        Assert.Equal("API key 'collector' does not have the read role\n", await read.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ABrowserOpensTheDashboardWithTheKeyAsItsPassword()
    {
        using (var anonymous = silo.Client(null))
        using (var challenge = await anonymous.GetAsync("/dashboard"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, challenge.StatusCode);
            Assert.Contains(challenge.Headers.WwwAuthenticate, h => h.Scheme == "Basic" && h.Parameter!.Contains("realm=\"OtlpGrains\"", StringComparison.Ordinal));
        }

        Assert.True((int)await DashboardAsync("sre:" + SecuredSilo.Secrets["reader"]) < 400);
        Assert.True((int)await DashboardAsync(SecuredSilo.Secrets["operator"]) < 400); // no user name at all
        Assert.Equal(HttpStatusCode.Forbidden, await DashboardAsync("sre:" + SecuredSilo.Secrets["collector"]));
        Assert.Equal(HttpStatusCode.Unauthorized, await DashboardAsync("sre:" + SecuredSilo.Secret()));
        Assert.Equal(HttpStatusCode.Unauthorized, await DashboardAsync("sre:"));

        async Task<HttpStatusCode> DashboardAsync(string credentials)
        {
            using var client = silo.Client(null);
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(
                "Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(credentials)));
            using var response = await client.GetAsync("/dashboard");
            return response.StatusCode;
        }
    }

    private async Task<Outcome> AttemptAsync(string? secret, Target target, string service)
    {
        if (target == Target.OtlpGrpc)
        {
            try
            {
                await silo.ExportGrpcAsync(secret, service);
                return Outcome.Allowed;
            }
            catch (RpcException refused) when (refused.StatusCode is StatusCode.Unauthenticated or StatusCode.PermissionDenied)
            {
                return refused.StatusCode == StatusCode.Unauthenticated ? Outcome.Unauthenticated : Outcome.Forbidden;
            }
        }

        using var response = target == Target.OtlpHttp ? await silo.ExportHttpAsync(secret, service) : await SendAsync(secret, target);
        switch (response.StatusCode)
        {
            case HttpStatusCode.Unauthorized:
                Assert.Equal("Bearer", response.Headers.WwwAuthenticate.First().Scheme);
                return Outcome.Unauthenticated;
            case HttpStatusCode.Forbidden:
                return Outcome.Forbidden;
            default:
                // Allowed: what the endpoint itself answers (an export must be accepted; a probe model is unknown).
                Assert.True(target != Target.OtlpHttp || response.StatusCode == HttpStatusCode.OK, $"export answered {response.StatusCode}");
                Assert.True((int)response.StatusCode < 500, $"{target} answered {response.StatusCode}");
                return Outcome.Allowed;
        }
    }

    private async Task<HttpResponseMessage> SendAsync(string? secret, Target target)
    {
        using var client = silo.Client(secret);
        return target switch
        {
            Target.Query => await client.GetAsync("/api/v1/services"),
            Target.Metrics => await client.GetAsync("/metrics"),
            Target.Dashboard => await client.GetAsync("/dashboard"),
            Target.ModelChange => await client.PostAsync("/api/v1/models/auth-probe/promote", new StringContent("{}", System.Text.Encoding.UTF8, "application/json")),
            _ => await client.GetAsync("/healthz"),
        };
    }
}
