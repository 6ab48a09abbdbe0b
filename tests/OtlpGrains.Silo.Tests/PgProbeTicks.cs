using Xunit;
using System.Collections.Concurrent;

namespace OtlpGrains.Silo.Tests;

/// <summary>Reminder ticks seen by <see cref="PgProbeGrain"/>, per grain key, so a test can await the first one.</summary>
internal static class PgProbeTicks
{
    private static readonly ConcurrentDictionary<string, TaskCompletionSource<string>> FirstTick = new();

    public static Task<string> WaitForFirstTick(string grainKey) => For(grainKey).Task;

    public static void Record(string grainKey, string reminderName) => For(grainKey).TrySetResult(reminderName);

    private static TaskCompletionSource<string> For(string grainKey) =>
        FirstTick.GetOrAdd(grainKey, _ => new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously));
}
