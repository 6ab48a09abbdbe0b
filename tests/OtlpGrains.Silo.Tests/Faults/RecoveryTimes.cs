using Xunit.Abstractions;

namespace OtlpGrains.Silo.Tests.Faults;

/// <summary>
/// The figures every fault test reports: from the fault to the first refusal a sender saw, from the end of the fault to
/// the first acknowledgement, and the longest any request waited from its first send to its acknowledgement.
/// </summary>
internal static class RecoveryTimes
{
    public static void Report(ITestOutputHelper output, string fault, FailoverLoad load, DateTime faultAt, DateTime faultEndedAt)
    {
        var refused = load.FirstRefusedAfter(faultAt);
        var acknowledged = load.FirstAcknowledgedAfter(faultEndedAt);
        var codes = string.Join(", ", load.RefusalCodes.OrderBy(c => c.Key).Select(c => $"{c.Key} {c.Value}"));
        output.WriteLine(
            $"RECOVERY {fault}: first refusal {Seconds(refused - faultAt)} after the fault; first ack {Seconds(acknowledged - faultEndedAt)} after it ended; " +
            $"longest wait {load.LongestWait.TotalSeconds:F1} s; {load.Acknowledged} requests acknowledged, {load.Retries} retries ({(codes.Length == 0 ? "none" : codes)})");
    }

    private static string Seconds(TimeSpan? span) => span is { } s ? $"{s.TotalSeconds:F1} s" : "never";
}
