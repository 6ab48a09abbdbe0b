using System.Runtime.InteropServices;
using TorchSharp;

namespace OtlpGrains.Models.Detection.Torch;

/// <summary>
/// Loads LibTorch once per process. On a host where the build could not patch TorchSharp's native library for an
/// older libstdc++ (models/README.md), loading fails; every TorchSharp model then refuses with the same one-line
/// reason instead of a loader stack trace.
/// </summary>
public static class TorchRuntime
{
    private const string Remedy =
        "where libstdc++ lacks GLIBCXX_3.4.32 (Debian 12) the build patches it when cc and patchelf exist: " +
        "apt-get install gcc patchelf, then rebuild";

    private static readonly Lazy<string?> Failure = new(TryLoad, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Null when LibTorch is loaded, else why it is not.</summary>
    public static string? LoadFailure => Failure.Value;

    /// <summary>Throws <see cref="InvalidOperationException"/> with the reason when LibTorch cannot be loaded.</summary>
    public static void EnsureLoaded()
    {
        if (Failure.Value is string reason)
        {
            throw new InvalidOperationException(reason);
        }
    }

    private static string? TryLoad()
    {
        // Our own load first: when it fails, TorchSharp's fallback would copy all of LibTorch from the NuGet cache
        // into the output and fail the same way.
        try
        {
            NativeLibrary.Load("LibTorchSharp", typeof(torch).Assembly, null);
        }
        catch (DllNotFoundException e)
        {
            return $"TorchSharp's native library did not load ({FirstLine(e.Message)}); {Remedy}";
        }

        try
        {
            torch.InitializeDeviceType(DeviceType.CPU);
            // Our tensors are small and callers already run in parallel (grains, NAB files): LibTorch's own thread
            // pool per call only adds contention. A batch of a thousand services still takes one pass on one core.
            torch.set_num_threads(1);
            return null;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return $"LibTorch did not initialise ({FirstLine(e.GetBaseException().Message)}); {Remedy}";
        }
    }

    // The loader lists every path it tried, one per line; the version error names the missing GLIBCXX in each.
    private static string FirstLine(string message)
    {
        string[] lines = message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string line = lines.FirstOrDefault(l => l.Contains("GLIBCXX", StringComparison.Ordinal)) ?? lines.FirstOrDefault() ?? "";
        return line.Length <= 300 ? line : line[..300];
    }
}
