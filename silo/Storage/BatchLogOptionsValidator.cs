using Microsoft.Extensions.Options;

namespace OtlpGrains.Silo.Storage;

/// <summary>Refuses group-commit settings outside the ranges the appender can honour, one line per option.</summary>
internal sealed class BatchLogOptionsValidator : IValidateOptions<BatchLogOptions>
{
    // A flush's payloads travel as one bytea parameter, which PostgreSQL caps at 1 GB.
    private const int MaxFlushBytes = 512 * 1024 * 1024;

    public ValidateOptionsResult Validate(string? name, BatchLogOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        Check(failures, nameof(options.Writers), options.Writers, 1, 64);
        Check(failures, nameof(options.MaxAppendsPerFlush), options.MaxAppendsPerFlush, 1, 100_000);
        Check(failures, nameof(options.MaxBytesPerFlush), options.MaxBytesPerFlush, 1024, MaxFlushBytes);
        Check(failures, nameof(options.QueueCapacity), options.QueueCapacity, 1, 1_000_000);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check(List<string> failures, string option, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            failures.Add($"{BatchLogOptions.SectionName}:{option} must be between {min} and {max} (was {value}).");
        }
    }
}
