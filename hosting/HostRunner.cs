using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Options;

namespace OtlpGrains.Hosting;

/// <summary>
/// Runs a host until it stops, turning start-up failures an operator must fix (a bad setting, a port already in
/// use) into one line each on stderr and a non-zero exit code, instead of a stack trace.
/// </summary>
public static class HostRunner
{
    public const int ConfigurationError = 2;
    public const int StartError = 1;

    public static async Task<int> RunUntilStoppedAsync(Func<WebApplication> build, TextWriter? errors = null)
    {
        errors ??= Console.Error;
        try
        {
            await using var app = build();
            await app.RunAsync();
            return 0;
        }
        catch (Exception exception) when (ConfigurationFailures(exception) is { Count: > 0 } failures)
        {
            foreach (var failure in failures)
            {
                await errors.WriteLineAsync($"configuration error: {failure}");
            }

            return ConfigurationError;
        }
        catch (Exception exception) when (Find<StartupException>(exception) is { } startup)
        {
            await errors.WriteLineAsync($"cannot start: {startup.Message}");
            return StartError;
        }
        catch (IOException exception)
        {
            await errors.WriteLineAsync($"cannot start: {exception.Message}");
            return StartError;
        }
    }

    private static T? Find<T>(Exception exception)
        where T : Exception => exception switch
    {
        T match => match,
        AggregateException aggregate => aggregate.InnerExceptions.Select(Find<T>).FirstOrDefault(e => e is not null),
        _ => exception.InnerException is null ? null : Find<T>(exception.InnerException),
    };

    private static List<string> ConfigurationFailures(Exception exception) => exception switch
    {
        OptionsValidationException validation => [.. validation.Failures],
        AggregateException aggregate => [.. aggregate.InnerExceptions.SelectMany(ConfigurationFailures)],
        _ => [],
    };
}
