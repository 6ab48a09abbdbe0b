namespace OtlpGrains.Models.Services;

/// <summary>
/// The span of a signal's windows that a write to the store of sealed windows covers: the store's windows of the
/// signal that start in [<paramref name="FromUnixNano"/>, <paramref name="ToUnixNano"/>) become exactly the written
/// ones, so that a window stored by an earlier incarnation or a failed checkpoint, and empty now, does not linger.
/// </summary>
public readonly record struct WindowRange(WindowedSignal Signal, long FromUnixNano, long ToUnixNano);
