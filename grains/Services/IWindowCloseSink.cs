using OtlpGrains.Models.Services;

namespace OtlpGrains.Grains.Services;

/// <summary>
/// Takes the windows a service grain closed: one instance per silo (registered in DI), called inside the grain's
/// turn after each batch that closed windows (and during a replay), after the grain scored them itself
/// (<c>ServiceDetection</c>, whose state is part of the grain's checkpoint). For other consumers of closed windows.
/// </summary>
/// <remarks>
/// Each window is given once per activation history: a window closed before the last checkpoint is never given
/// again, but one closed after it is given again when a crash makes the grain replay its log, because whatever
/// consumed it was lost with the process. <see cref="ClosedWindow"/> is deterministic (same batches, same windows),
/// so a consumer that publishes events can give them ids from the service, signal and window start.
/// </remarks>
public interface IWindowCloseSink
{
    /// <summary>Called with the windows of one service that closed, in the order they closed; never with an empty list.</summary>
    ValueTask WindowsClosedAsync(string service, IReadOnlyList<ClosedWindow> windows);
}
