namespace OtlpGrains.Models.Simulation;

/// <summary>
/// Request arrivals: a Poisson process whose rate follows a daily curve, <c>rate × (1 + amplitude × sin(2π (t + phase) /
/// period))</c>, so the load drifts as real traffic does while a detector learns it.
/// </summary>
public sealed record LoadProfile
{
    public LoadProfile(double requestsPerSecond, double amplitude = 0.25, TimeSpan? period = null, TimeSpan? phase = null)
    {
        if (!(requestsPerSecond > 0) || requestsPerSecond > 10_000)
        {
            throw new ArgumentOutOfRangeException(nameof(requestsPerSecond), requestsPerSecond, "the request rate must be in (0, 10000] per second");
        }

        if (!(amplitude >= 0) || amplitude >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(amplitude), amplitude, "the rate's amplitude must be in [0, 1)");
        }

        RequestsPerSecond = requestsPerSecond;
        Amplitude = amplitude;
        Period = period ?? TimeSpan.FromHours(2);
        Phase = phase ?? TimeSpan.Zero;
        if (Period <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(period), period, "the rate's period must be positive");
        }
    }

    public double RequestsPerSecond { get; }

    public double Amplitude { get; }

    /// <summary>The rate curve's period. Default: 2 hours (a compressed day, so a scenario of an hour sees it move).</summary>
    public TimeSpan Period { get; }

    public TimeSpan Phase { get; }

    /// <summary>The arrival rate, per second, at <paramref name="at"/> after the start.</summary>
    public double RateAt(TimeSpan at) =>
        RequestsPerSecond * (1 + (Amplitude * Math.Sin(2 * Math.PI * (at + Phase).TotalSeconds / Period.TotalSeconds)));

    /// <summary>
    /// The next arrival after <paramref name="at"/>, by thinning: draws at the peak rate are kept with probability
    /// rate(t) / peak, which gives an exact non-homogeneous Poisson process.
    /// </summary>
    public TimeSpan NextArrival(TimeSpan at, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        double peak = RequestsPerSecond * (1 + Amplitude);
        double t = at.TotalSeconds;
        while (true)
        {
            t += -Math.Log(1.0 - random.NextDouble()) / peak;
            if (random.NextDouble() * peak <= RateAt(TimeSpan.FromSeconds(t)))
            {
                return TimeSpan.FromSeconds(t);
            }
        }
    }
}
