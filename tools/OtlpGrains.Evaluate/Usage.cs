namespace OtlpGrains.Evaluate;

/// <summary>The command line's help, printed with the reason whenever the arguments are wrong.</summary>
internal static class Usage
{
    public const string Text = "usage: OtlpGrains.Evaluate nab <nab-dir> [--detector NAME] [--files all|even|odd] [--out DIR]\n" +
        "       OtlpGrains.Evaluate loghub <loghub-dir> [--misses N]\n" +
        "       OtlpGrains.Evaluate " + Training.TrainRequest.Usage + "\n" +
        "       OtlpGrains.Evaluate " + Replay.ReplayOptions.Usage + "\n" +
        "       OtlpGrains.Evaluate " + Rca.EvalRcaCommand.Usage + "\n" +
        "       OtlpGrains.Evaluate " + Simulation.SimulateOptions.Usage;

    public static int Fail(TextWriter error, string reason)
    {
        error.WriteLine($"error: {reason}");
        error.WriteLine(Text);
        error.WriteLine($"detectors: {string.Join(", ", NabDetectors.All.Select(d => d.Name))}");
        return 2;
    }
}
