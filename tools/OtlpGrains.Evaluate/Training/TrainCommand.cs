using System.Globalization;

namespace OtlpGrains.Evaluate.Training;

/// <summary>
/// <c>train --api URL --model NAME --kind KIND [--from T --to T] --who NAME --reason TEXT [--nab DIR]</c>: trains a
/// detector on a running cluster's windows and registers it as a candidate (<see cref="TrainingRun"/>). Prints the
/// new version on stdout, progress on stderr; a failure is one line on stderr and exit code 1.
/// </summary>
internal static class TrainCommand
{
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var (request, problem) = TrainRequest.Parse(args);
        if (request is null)
        {
            return Usage.Fail(error, problem!);
        }

        using var api = new HttpClient { BaseAddress = request.Api, Timeout = TimeSpan.FromMinutes(2) };
        try
        {
            var outcome = TrainingRun.RunAsync(request, api, error, CancellationToken.None).GetAwaiter().GetResult();
            var v = outcome.Version;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"registered {v.Name} version {v.Number} ({v.Kind}, {v.Stage}, {v.SizeBytes} bytes, sha256 {v.Sha256}): {string.Join(' ', outcome.Metrics.Select(m => $"{m.Key}={m.Value:0.####}"))}"));
            return 0;
        }
        catch (TrainingFailure failure)
        {
            error.WriteLine($"error: {failure.Message}");
            return 1;
        }
    }
}
