using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OtlpGrains.Gateway.Configuration;

namespace OtlpGrains.Gateway.Security;

/// <summary>API keys and roles, the listeners' secure default address, and the per-key OTLP rate limit.</summary>
public static class SecurityHostingExtensions
{
    /// <summary>Registers the keys, their checks and the rate limiter; the listeners' unset addresses follow <see cref="ListenDefaults"/>.</summary>
    public static IServiceCollection AddOtlpGatewaySecurity(this IServiceCollection services)
    {
        services.AddOptions<SecurityOptions>().BindConfiguration(SecurityOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SecurityOptions>, SecurityOptionsValidator>();
        services.AddSingleton<IValidateOptions<OtlpReceiverOptions>, ListenExposureValidator>();
        services.AddSingleton<IValidateOptions<ApiOptions>, ListenExposureValidator>();
        services.AddOptions<OtlpReceiverOptions>().PostConfigure<IOptions<SecurityOptions>>((o, s) => o.ListenAddress = ListenDefaults.Resolve(o.ListenAddress, s.Value));
        services.AddOptions<ApiOptions>().PostConfigure<IOptions<SecurityOptions>>((o, s) => o.ListenAddress = ListenDefaults.Resolve(o.ListenAddress, s.Value));

        services.AddSingleton(sp => ApiKeyRing.From(sp.GetRequiredService<IOptions<SecurityOptions>>().Value));
        services.AddSingleton<EndpointAccess>();
        services.AddSingleton<SecurityInstruments>();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<SecurityOptions>, EndpointAccess>((o, s, access) => OtlpRateLimit.Configure(o, s.Value, access));
        return services;
    }

    /// <summary>
    /// Checks keys, then rate-limits OTLP, before any endpoint runs (after routing, so that the health probes' marks
    /// are seen), and logs at start how the gateway is guarded.
    /// </summary>
    public static WebApplication UseOtlpGatewaySecurity(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseMiddleware<ApiKeyAuthentication>();
        app.UseRateLimiter();

        var security = app.Services.GetRequiredService<IOptions<SecurityOptions>>().Value;
        var otlp = app.Services.GetRequiredService<IOptions<OtlpReceiverOptions>>().Value;
        var api = app.Services.GetRequiredService<IOptions<ApiOptions>>().Value;
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("OtlpGrains.Gateway");
        app.Lifetime.ApplicationStarted.Register(() => LogStance(logger, security, otlp.ListenAddress, api.ListenAddress));
        return app;
    }

    private static void LogStance(ILogger logger, SecurityOptions security, string otlpAddress, string apiAddress)
    {
        var limit = security.RequestsPerSecond == 0 ? "no OTLP rate limit"
            : $"OTLP limited to {security.RequestsPerSecond} requests/s per {(security.HasKeys ? "key" : "remote address")}";
        if (security.HasKeys)
        {
            logger.LogInformation("Security   {Count} API keys ({Names}): OTLP needs ingest; the query API, /metrics and the dashboard read; changes admin; {Limit}",
                security.Keys.Count, string.Join(", ", security.Keys.Select(k => k.Name)), limit);
        }
        else if (ListenDefaults.IsLoopback(otlpAddress) && ListenDefaults.IsLoopback(apiAddress))
        {
            logger.LogInformation("Security   no API keys: OTLP and the API listen on loopback only; configure OtlpGrains:Security:Keys to serve other hosts; {Limit}", limit);
        }
        else
        {
            logger.LogWarning("Security   anonymous (AllowAnonymous=true): no API keys, and anyone who reaches OTLP on {OtlpAddress} or the API on {ApiAddress} can write telemetry, read every service and change models; {Limit}",
                otlpAddress, apiAddress, limit);
        }
    }
}
