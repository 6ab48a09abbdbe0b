using System.Globalization;
using OtlpGrains.Models.Artifacts;
using OtlpGrains.Models.Evaluation.Nab;

namespace OtlpGrains.Evaluate.Training;

/// <summary>
/// The core of <c>train</c>: export the cluster's windows, hold out each service's newest share, train the kind on the
/// rest, evaluate it on the held-out windows (and on NAB when asked), and register the artifact as a candidate with
/// the training range and the metrics. Progress goes to <c>log</c>; any failure is a <see cref="TrainingFailure"/>.
/// </summary>
internal static class TrainingRun
{
    public static async Task<TrainingOutcome> RunAsync(TrainRequest request, HttpClient api, TextWriter log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(log);
        var services = await ClusterExport.ExportAsync(api, request.From, request.To, cancellationToken);
        int exported = services.Sum(s => s.Windows.Count);
        if (exported < request.MinWindows)
        {
            throw new TrainingFailure(
                $"too few windows: {exported} exported from {services.Count} services, at least {request.MinWindows} needed (--min-windows, or a wider --from/--to)");
        }

        var trainedFrom = services.Min(s => s.Windows[0].Start);
        var trainedTo = services.Max(s => s.Windows[^1].End);
        log.WriteLine(Invariant($"exported {exported} windows of {services.Count} services, {trainedFrom:O} to {trainedTo:O}"));

        // Each service keeps at least one window for training; a service of one window is all training.
        int TrainingCount(ServiceSeries s) => Math.Max(1, (int)Math.Floor(s.Windows.Count * (1 - request.HoldOut)));
        var training = services.Select(s => (IReadOnlyList<double[]>)[.. s.Windows.Take(TrainingCount(s)).Select(w => w.Values)]).ToArray();
        int trainingWindows = training.Sum(t => t.Count);

        var model = Train(request.Kind, training);
        try
        {
            var heldOut = HoldOutEvaluation.Evaluate(model, services, TrainingCount);
            log.WriteLine(Invariant(
                $"trained {request.Kind} on {trainingWindows} windows; held out {heldOut.Windows}: {heldOut.FlaggedShare:P1} flagged at score >= {HoldOutEvaluation.FlagScore}, mean score {heldOut.MeanScore:F4}"));
            var metrics = new SortedDictionary<string, double>(StringComparer.Ordinal)
            {
                ["train.services"] = services.Count,
                ["train.windows"] = trainingWindows,
                ["eval.windows"] = heldOut.Windows,
                ["eval.flagged"] = heldOut.Flagged,
                ["eval.flagged_share"] = heldOut.FlaggedShare,
                ["eval.mean_score"] = heldOut.MeanScore,
            };
            if (request.NabDirectory is { } nab)
            {
                foreach (var (profile, score) in Nab(request.Kind, nab, log))
                {
                    metrics[$"nab.{profile}"] = score;
                }
            }

            var codec = new ModelCodecs(DetectorCodecs.Create()).For(request.Kind);
            var artifact = codec.Save(model);
            var version = await RegistryUpload.RegisterAsync(api, request, artifact, trainedFrom, trainedTo, metrics, cancellationToken);
            return new TrainingOutcome(version, metrics, exported);
        }
        finally
        {
            (model as IDisposable)?.Dispose();
        }
    }

    private static Models.Detection.IAnomalyModel Train(string kind, IReadOnlyList<IReadOnlyList<double[]>> training)
    {
        try
        {
            return TrainedKinds.Train(kind, training);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            throw new TrainingFailure($"training {kind} failed: {e.Message.ReplaceLineEndings(" ")}");
        }
    }

    /// <summary>
    /// NAB's three profiles for the kind with the same options (NAB's series are univariate, so this rates the kind
    /// and its options, not the RED artifact itself): the <c>nab</c> command's detector of that name.
    /// </summary>
    private static IEnumerable<(string Profile, double Score)> Nab(string kind, string directory, TextWriter log)
    {
        NabCorpus corpus;
        try
        {
            corpus = NabCorpus.Load(directory);
        }
        catch (Exception e) when (e is NabFormatException or IOException or UnauthorizedAccessException)
        {
            throw new TrainingFailure($"--nab {directory}: {e.Message.ReplaceLineEndings(" ")}");
        }

        var detector = NabDetectors.All.Single(d => d.Name == kind);
        var shared = detector.PerFile is null ? detector.Create() : null;
        var scores = NabDetectorRun.Run(detector.PerFile ?? (_ => shared!), corpus);
        foreach (var result in NabBenchmark.Evaluate(corpus, scores))
        {
            log.WriteLine(Invariant($"NAB {kind} {result.Profile.Name}: {result.NormalizedScore:F1}"));
            yield return (result.Profile.Name, Math.Round(result.NormalizedScore, 2));
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>The registered version, the metrics it carries, and how many windows were exported.</summary>
internal sealed record TrainingOutcome(RegisteredVersion Version, IReadOnlyDictionary<string, double> Metrics, int ExportedWindows);
