using OtlpGrains.Interfaces;
using OtlpGrains.Models.Detection.Resonance;
using OtlpGrains.Models.Evaluation.Nab;

namespace OtlpGrains.Evaluate;

/// <summary>
/// A reference line, not a contender: <c>resonance</c> given what NAB's harness gives every detector and what ARTime
/// (74.9 on the board) uses, each file's minimum and maximum and its probation length. It looks ahead (the range
/// covers values not seen yet) and sets itself per file (ARTime's rule: points of probation / 104 rows, warm-up of
/// probation / step points, shapes of 8, snapping within 0.075), which a service cannot and the target
/// forbids. It shows how close our fuzzy ART comes to ARTime under ARTime's conditions, and so what learning the
/// range online costs.
/// </summary>
internal static class LookaheadResonance
{
    public const string Name = "resonance-lookahead";

    // ARTime's warm-up: 13 shapes of 8 points fill the probation.
    private const int ProbationShapes = 13;
    private const int ShapePoints = 8;

    public static ResonanceModel For(NabFile file)
    {
        int probation = file.ProbationLength;
        int step = Math.Max(1, (int)Math.Round(probation / (double)(ProbationShapes * ShapePoints)));
        int warmUp = Math.Max(2 * ShapePoints, probation / step);
        var options = ResonanceOptions.Default with
        {
            Step = step,
            Window = ShapePoints,
            Chomp = 0.075,
            WarmUpPoints = warmUp,
            HistoryPoints = Math.Max(ResonanceOptions.Default.HistoryPoints, warmUp),
            KnownLow = file.Values.Min(),
            KnownHigh = file.Values.Max(),
        };
        return new ResonanceModel(FeatureSchema.Univariate, options);
    }
}
