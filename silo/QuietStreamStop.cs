using OtlpGrains.Interfaces;

namespace OtlpGrains.Silo;

/// <summary>
/// Keeps a graceful stop quiet. When the silo stops while a memory-stream pulling agent is reading its queue grain,
/// Orleans (Streaming 10.4) cancels the read and logs it twice as an error with a stack trace: once from the queue
/// receiver and once from the agent's retry loop. Nothing is lost by it: memory streams end with the silo anyway.
/// From the moment the host starts stopping, those two categories' errors are dropped; before it, and at any other
/// level, they show as the Orleans default (Warning and up) would show them.
/// </summary>
public sealed class QuietStreamStop
{
    /// <summary>The log categories of the memory-stream receivers and of the pulling agents of our stream provider.</summary>
    public static readonly string[] Categories =
    [
        "Orleans.Providers.MemoryAdapterReceiver",
        $"Orleans.Streams.{StreamNames.Provider}",
    ];

    private volatile bool _stopping;

    public bool Stopping => _stopping;

    /// <summary>Whether an entry of one of <see cref="Categories"/> at this level is logged.</summary>
    public bool Allows(LogLevel level) => level >= LogLevel.Warning && !(_stopping && level == LogLevel.Error);

    /// <summary>
    /// Drops the stream errors of a stop from the moment the host starts stopping. Call it before the silo is added, so
    /// that its hosted service starts first and a stop during the silo's start is covered too.
    /// </summary>
    public static void AddTo(WebApplicationBuilder builder)
    {
        var quiet = new QuietStreamStop();
        foreach (var category in Categories)
        {
            builder.Logging.AddFilter(category, quiet.Allows);
        }

        builder.Services.AddSingleton(quiet);
        builder.Services.AddHostedService<StopNotice>();
    }

    /// <summary>Marks the stop; the host signals ApplicationStopping before it stops any hosted service, the silo's included.</summary>
    private sealed class StopNotice(QuietStreamStop quiet, IHostApplicationLifetime lifetime) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            lifetime.ApplicationStopping.Register(() => quiet._stopping = true);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
