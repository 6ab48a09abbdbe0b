using OtlpGrains.Models.Services;

namespace OtlpGrains.Grains.Services;

/// <summary>
/// The per-service store of sealed windows: windows that can no longer change, written once so that a checkpoint
/// carries only what still changes. A checkpoint writes the windows first and its head (which says how far the store
/// reaches per signal) after; a restore reads the head, then the windows it counts as stored. Windows the store holds
/// beyond the head (a checkpoint that failed between the two writes) are ignored and written again.
/// </summary>
public interface IServiceWindowStore
{
    /// <summary>
    /// Stores the batch's windows of <paramref name="service"/>: in each of its <see cref="SealedWindowBatch.Ranges"/>,
    /// the stored windows become exactly the batch's, all or nothing. When it returns they survive a crash.
    /// </summary>
    Task WriteAsync(string service, SealedWindowBatch batch, CancellationToken cancellationToken);

    /// <summary>Every window stored for <paramref name="service"/>.</summary>
    Task<IReadOnlyList<SealedWindow>> ReadAsync(string service, CancellationToken cancellationToken);

    /// <summary>Deletes the windows of <paramref name="service"/> that start before their signal's retained range; returns how many.</summary>
    Task<long> PruneAsync(string service, IReadOnlyList<WindowRetention> retained, CancellationToken cancellationToken);
}
