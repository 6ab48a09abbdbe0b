using System.Diagnostics;

namespace OtlpGrains.Deploy.Tests;

/// <summary>
/// Renders a kustomization with <c>kubectl kustomize</c>, as an operator's <c>kubectl apply -k</c> would, and splits the
/// output into its objects. tests/run.sh installs Debian's kubernetes-client for it.
/// </summary>
internal static class Kustomize
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public static IReadOnlyList<RenderedObject> Render(string directory) => RenderedObject.Split(RenderText(directory));

    public static string RenderText(string directory)
    {
        var start = new ProcessStartInfo("kubectl", ["kustomize", directory])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("kubectl did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Patience))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"kubectl kustomize {directory} ran over {Patience.TotalSeconds} s");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"kubectl kustomize {directory} failed ({process.ExitCode}): {errors.Result.Trim()}");
        }

        return output.Result;
    }
}
