namespace OtlpGrains.Agent.Capture;

/// <summary>A snapshot of a <see cref="SocketCapture"/>'s counters, all since it started.</summary>
/// <param name="Events">Events handed to the queue.</param>
/// <param name="PayloadBytes">Captured payload bytes of those events.</param>
/// <param name="KernelDrops">Events the kernel could not submit because the ring buffer was full (per-CPU counters summed).</param>
/// <param name="PendingDrops">TLS library calls not followed because their entry/return map was full (socket syscalls need no such map).</param>
/// <param name="QueueDrops">Events dropped in user space because the consumer's queue was full.</param>
/// <param name="AttachFailures">Programs that failed to attach, over every attach group tried.</param>
public readonly record struct CaptureStatistics(
    long Events, long PayloadBytes, long KernelDrops, long PendingDrops, long QueueDrops, int AttachFailures);
