namespace OtlpGrains.Models.Detection.Sequences;

/// <summary>
/// Maps a model's raw error (reconstruction error, PCA distance) to a score in [0, 1] against the errors this state
/// has seen lately: a robust z-score of the error, squashed. Calibrating per state lets one model serve services
/// whose errors sit at different levels, and gives one threshold a meaning across them.
/// </summary>
[GenerateSerializer, Alias("otlpgrains.ErrorCalibration")]
public sealed class ErrorCalibration
{
    /// <summary>Errors kept.</summary>
    public const int Capacity = 512;

    /// <summary>Errors needed before a score other than 0 is given: fewer give a spread too rough to judge by.</summary>
    public const int MinHistory = 32;

    // z at which the score is one half: five robust deviations above the usual error, past what noise reaches in a
    // few hundred windows.
    private const double HalfScoreZ = 5;

    private const double AbsoluteFloor = 0.05;

    [Id(0)] private readonly double[] _errors = new double[Capacity];
    [Id(1)] private int _count;
    [Id(2)] private int _head;

    public bool Ready => _count >= MinHistory;

    /// <summary>The score of <paramref name="error"/>, 0 until <see cref="Ready"/>.</summary>
    public double Score(double error)
    {
        if (!Ready || double.IsNaN(error))
        {
            return 0;
        }

        Span<double> sorted = stackalloc double[_count];
        _errors.AsSpan(0, _count).CopyTo(sorted);
        sorted.Sort();
        double median = (sorted[(_count - 1) / 2] + sorted[_count / 2]) / 2;
        for (int i = 0; i < _count; i++)
        {
            sorted[i] = Math.Abs(sorted[i] - median);
        }

        sorted.Sort();
        double mad = (sorted[(_count - 1) / 2] + sorted[_count / 2]) / 2;
        double squares = 0;
        foreach (double d in sorted)
        {
            squares += d * d;
        }

        // Floors: errors of a series with recurring bursts have a MAD near 0 between bursts, and each burst would
        // read as hundreds of deviations; half the standard deviation keeps recurring bursts ordinary. A model that
        // reconstructs a perfectly regular series has errors of near-constant size, and the tiniest wobble would
        // read as many deviations; a quarter of the usual error and an absolute 0.05 scale units bound that.
        double scale = Math.Max(Math.Max(1.4826 * mad, 0.5 * Math.Sqrt(squares / _count)), Math.Max(0.25 * median, AbsoluteFloor));
        double z = (error - median) / scale;
        return z <= 0 ? 0 : z * z / ((z * z) + (HalfScoreZ * HalfScoreZ));
    }

    public void Learn(double error)
    {
        if (double.IsNaN(error) || double.IsInfinity(error))
        {
            return;
        }

        _errors[_head] = error;
        _head = (_head + 1) % Capacity;
        _count = Math.Min(_count + 1, Capacity);
    }
}
