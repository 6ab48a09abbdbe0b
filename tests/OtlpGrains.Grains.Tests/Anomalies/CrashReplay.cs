using Xunit;

namespace OtlpGrains.Grains.Tests.Anomalies;

/// <summary>
/// The crash a durable service grain goes through in these tests, between feeds of batches [from, to):
/// first one failed append (the grain deactivates and checkpoints on the way out), then, with the storage refusing
/// writes, another (what comes after lives only in the batch log, and a restore replays it).
/// </summary>
internal static class CrashReplay
{
    public static async Task RunAsync(Func<int, int, Task> feed, Func<Task> failingCall, int deactivateAt, int freezeAt, int end)
    {
        await feed(0, deactivateAt);
        FlakyBatchLog.FailNextAppend = true;
        await Assert.ThrowsAsync<InvalidOperationException>(failingCall);
        await feed(deactivateAt, freezeAt);
        FreezableGrainStorage.Frozen = true;
        try
        {
            FlakyBatchLog.FailNextAppend = true;
            await Assert.ThrowsAsync<InvalidOperationException>(failingCall);
            await feed(freezeAt, end);
        }
        finally
        {
            FreezableGrainStorage.Frozen = false;
        }
    }
}
