using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace OtlpGrains.Hosting;

/// <summary>
/// One line per log entry, and the framework's start-up chatter (Orleans option dumps, Kestrel) at Warning, so the
/// operator sees the lines that say where each endpoint listens. Configuration (<c>Logging:...</c>) still wins.
/// </summary>
public static class LoggingDefaults
{
    public static WebApplicationBuilder AddOtlpGrainsLogging(this WebApplicationBuilder builder)
    {
        builder.Logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "HH:mm:ss ";
        });
        builder.Logging.AddFilter("Orleans", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
        builder.Logging.AddFilter("Polly", LogLevel.Warning);
        // HostRunner reports start-up failures in one line; the host would log them again with a stack trace.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None);
        return builder;
    }
}
