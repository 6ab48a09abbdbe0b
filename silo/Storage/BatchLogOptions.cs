namespace OtlpGrains.Silo.Storage;

/// <summary>
/// How the silo groups the service grains' batch-log appends into commits (durable mode). Section
/// <c>OtlpGrains:Storage:BatchLog</c>.
/// </summary>
public sealed class BatchLogOptions
{
    public const string SectionName = "OtlpGrains:Storage:BatchLog";

    /// <summary>
    /// Connections that flush groups at the same time. While one group waits for its commit to reach the disk, the
    /// next one gathers and goes. Default: 2.
    /// </summary>
    public int Writers { get; set; } = 2;

    /// <summary>Most appends committed by one flush. Default: 256.</summary>
    public int MaxAppendsPerFlush { get; set; } = 256;

    /// <summary>
    /// A flush stops taking appends once its payloads reach this many bytes, so it exceeds it by at most one batch (a
    /// batch larger than this goes alone). Default: 4194304 (4 MiB).
    /// </summary>
    public int MaxBytesPerFlush { get; set; } = 4 * 1024 * 1024;

    /// <summary>
    /// Appends waiting for a writer. When it is full an append waits for room, and the grain turn waits with it, so
    /// the gateway's in-flight budget and grain timeout push back on the senders. Default: 4096.
    /// </summary>
    public int QueueCapacity { get; set; } = 4096;
}
