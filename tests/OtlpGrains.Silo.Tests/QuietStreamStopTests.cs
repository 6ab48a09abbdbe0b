using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OtlpGrains.Hosting;
using Xunit;

namespace OtlpGrains.Silo.Tests;

/// <summary>
/// The cancelled queue reads Orleans' memory streams log when a silo stops are dropped from the stop on, and only
/// those: the same errors before the stop, warnings, and other categories' errors still show.
/// </summary>
public sealed class QuietStreamStopTests
{
    private const string Receiver = "Orleans.Providers.MemoryAdapterReceiver`1[[Orleans.Providers.DefaultMemoryMessageBodySerializer]].streams.streams-5";
    private const string Agent = "Orleans.Streams.streams";

    [Fact]
    public async Task StreamReadErrorsAreDroppedOnlyOnceTheHostIsStopping()
    {
        var lines = new ConcurrentQueue<string>();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = ["--urls", "http://127.0.0.1:0"] });
        builder.AddOtlpGrainsLogging();
        QuietStreamStop.AddTo(builder);
        builder.Logging.AddProvider(new Recorder(lines));
        await using var app = builder.Build();
        var loggers = app.Services.GetRequiredService<ILoggerFactory>();

        await app.StartAsync();
        LogAll(loggers, "running");
        await app.StopAsync();
        Assert.True(app.Services.GetRequiredService<QuietStreamStop>().Stopping);
        LogAll(loggers, "stopping");

        string[] expected = [.. Expected("running", stopping: false), .. Expected("stopping", stopping: true)];
        Assert.Equal(expected, lines.Where(l => !l.StartsWith("Microsoft.", StringComparison.Ordinal)));
    }

    /// <summary>What <see cref="LogAll"/> leaves: Orleans at Warning and up, ours from Information, and the streams' errors only before the stop.</summary>
    private static IEnumerable<string> Expected(string phase, bool stopping)
    {
        yield return $"{Receiver} Warning {phase}";
        if (!stopping)
        {
            yield return $"{Receiver} Error {phase}";
        }

        yield return $"{Agent} Warning {phase}";
        if (!stopping)
        {
            yield return $"{Agent} Error {phase}";
        }

        yield return $"{Agent} Critical {phase}";
        yield return $"Orleans.Runtime.Catalog Warning {phase}";
        yield return $"Orleans.Runtime.Catalog Error {phase}";
        yield return $"OtlpGrains.Silo Information {phase}";
        yield return $"OtlpGrains.Silo Warning {phase}";
        yield return $"OtlpGrains.Silo Error {phase}";
    }

    /// <summary>Logs at Information, Warning and Error in each category, and Critical in the agent's.</summary>
    private static void LogAll(ILoggerFactory loggers, string phase)
    {
        foreach (var category in new[] { Receiver, Agent, "Orleans.Runtime.Catalog", "OtlpGrains.Silo" })
        {
            var logger = loggers.CreateLogger(category);
            foreach (var level in new[] { LogLevel.Information, LogLevel.Warning, LogLevel.Error })
            {
                logger.Log(level, "{Phase}", phase);
            }

            if (category == Agent)
            {
                logger.LogCritical("{Phase}", phase);
            }
        }
    }

    private sealed class Recorder(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Lines(categoryName, lines);

        public void Dispose()
        {
        }

        private sealed class Lines(string category, ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue($"{category} {logLevel} {formatter(state, exception)}");
        }
    }
}
