using OtlpGrains.Gateway.Hosting;
using OtlpGrains.Hosting;

namespace OtlpGrains.Silo;

/// <summary>
/// The silo process: an Orleans silo with the gateway co-hosted (OTLP on 4317/4318; query API, <c>/metrics</c>,
/// health and the dashboard on 8080). Tests build the same application with their own ports.
/// </summary>
public static class SiloApplication
{
    public static WebApplication Build(string[] args)
    {
        // Settings files sit next to the binaries, whatever directory the process starts in.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.AddOtlpGrainsLogging();
        QuietStreamStop.AddTo(builder);
        builder.AddOtlpGrainsSilo();
        builder.AddOtlpGateway();
        builder.AddOtlpGrainsSelfTelemetry();

        var app = builder.Build();
        app.MapOtlpGateway();
        app.MapOtlpGrainsDashboard();
        return app;
    }
}
