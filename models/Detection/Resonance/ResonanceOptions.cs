namespace OtlpGrains.Models.Detection.Resonance;

/// <summary>
/// The parameters of a resonance detector (fuzzy ART over the shape of a signal's recent values, after ARTime). One set
/// serves every service and the whole NAB corpus; the artifact of a <c>resonance</c> model is these values plus its
/// schema.
/// </summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.ResonanceOptions")]
public sealed record ResonanceOptions : ISignalModelOptions
{
    /// <summary>
    /// Windows folded into one point: the point is the block's extreme (its maximum or its minimum, whichever lies
    /// farther from the moving mean), or its mean when the extreme is within 10% of the mean. Only a block's last
    /// window is judged. Default: 2 (chosen on NAB's even-indexed files; ARTime derives its step from each file's
    /// length, which a service does not know).
    /// </summary>
    [Id(0)] public int Step { get; init; } = 2;

    /// <summary>Points in a shape (a power of two, for the Haar transform). Default: 16 (ARTime: 8; chosen on NAB's even-indexed files).</summary>
    [Id(1)] public int Window { get; init; } = 16;

    /// <summary>Levels across the range seen so far that a point is rounded to. Default: 80.</summary>
    [Id(2)] public int Levels { get; init; } = 80;

    /// <summary>
    /// A point closer than this (in range widths) to the median of recent points is taken as the median. Default: 0
    /// (off; ARTime: 0.075, which scored lower here, where the median moves and every point of the shape snaps to today's).
    /// </summary>
    [Id(3)] public double Chomp { get; init; }

    /// <summary>
    /// Points a signal only learns before it judges: at the end, the vigilance is set from them and they are learned
    /// as the first categories. Also the span of the vigilance's trend. Default: 104 (13 shapes of 8).
    /// </summary>
    [Id(4)] public int WarmUpPoints { get; init; } = 104;

    /// <summary>Points whose median is the level a point near it snaps to. Default: 512.</summary>
    [Id(5)] public int HistoryPoints { get; init; } = 512;

    /// <summary>Most categories per signal; beyond it the one matched longest ago is forgotten. Default: 256.</summary>
    [Id(6)] public int MaxCategories { get; init; } = 256;

    /// <summary>Vigilance the warm-up categories are first matched at, to set the real one. Default: 0.8.</summary>
    [Id(7)] public double InitialVigilance { get; init; } = 0.8;

    /// <summary>Points after an alarm during which only a much worse match alarms again. Default: 12 (1.5 shapes).</summary>
    [Id(8)] public int RestPoints { get; init; } = 12;

    /// <summary>Most signals a state follows; values past it get no opinion. Default: 32.</summary>
    [Id(9)] public int MaxSignals { get; init; } = 32;

    /// <summary>
    /// The bottom of a range known in advance, where every signal is placed instead of the range seen so far (points
    /// outside it are clipped). NaN (the default): the range is learned online, as a service must. Only the NAB
    /// harness sets it, as the benchmark gives every detector its file's minimum and maximum; it looks ahead, so a
    /// model with it cannot be saved as an artifact.
    /// </summary>
    [Id(10)] public double KnownLow { get; init; } = double.NaN;

    /// <summary>The top of the range known in advance (see <see cref="KnownLow"/>).</summary>
    [Id(11)] public double KnownHigh { get; init; } = double.NaN;

    /// <summary>Whether a range is known in advance.</summary>
    public bool RangeKnown => !double.IsNaN(KnownLow);

    /// <summary>The defaults: the configuration every service gets.</summary>
    public static ResonanceOptions Default { get; } = new();

    /// <summary>Throws <see cref="ArgumentException"/> with one line naming the first bad value.</summary>
    public void Validate()
    {
        Require(Step is >= 1 and <= 1000, $"Step must be in [1, 1000], got {Step}");
        Require(Window is >= 2 and <= 64 && (Window & (Window - 1)) == 0, $"Window must be a power of two in [2, 64], got {Window}");
        Require(Levels is >= 2 and <= 100_000, $"Levels must be in [2, 100000], got {Levels}");
        Require(Chomp is >= 0 and < 1, $"Chomp must be in [0, 1), got {Chomp}");
        Require(WarmUpPoints >= Window * 2 && WarmUpPoints <= 10_000, $"WarmUpPoints must be in [2 × Window, 10000], got {WarmUpPoints}");
        Require(HistoryPoints >= WarmUpPoints && HistoryPoints <= 100_000, $"HistoryPoints must be in [WarmUpPoints, 100000], got {HistoryPoints}");
        Require(MaxCategories is >= 2 and <= 65_536, $"MaxCategories must be in [2, 65536], got {MaxCategories}");
        Require(InitialVigilance is > 0 and < 1, $"InitialVigilance must be in (0, 1), got {InitialVigilance}");
        Require(RestPoints is >= 0 and <= 100_000, $"RestPoints must be in [0, 100000], got {RestPoints}");
        Require(
            (double.IsNaN(KnownLow) && double.IsNaN(KnownHigh)) || (double.IsFinite(KnownLow) && double.IsFinite(KnownHigh) && KnownLow <= KnownHigh),
            $"KnownLow and KnownHigh must both be NaN or finite with KnownLow <= KnownHigh, got {KnownLow} and {KnownHigh}");
        Require(MaxSignals is >= 1 and <= 1024, $"MaxSignals must be in [1, 1024], got {MaxSignals}");
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException(message);
        }
    }
}
