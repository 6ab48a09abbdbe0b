using OtlpGrains.Models.Services;

namespace OtlpGrains.Grains.Services;

/// <summary>The sink until scoring is wired in: closed windows are dropped.</summary>
internal sealed class IgnoredWindowCloseSink : IWindowCloseSink
{
    public ValueTask WindowsClosedAsync(string service, IReadOnlyList<ClosedWindow> windows) => ValueTask.CompletedTask;
}
