namespace OtlpGrains.Models.Detection.Thresholds;

/// <summary>
/// Keeps a service's anomaly open after its onset while its signals stay away from where they were. Detectors score
/// the onset of a change (the baseline reports only surprise beyond its recent memory, as NAB rewards), so a fault
/// that lasts scores high once and then low; without a hold the service would turn green again while it still fails
/// half its requests. The hold is model-agnostic: it remembers each signal's typical level in normal windows, and at
/// onset how far each driving signal had departed from it. The anomaly stays open while any of its signals is still
/// at least half that far out, in the same direction, for at most <see cref="SpotOptions.HoldWindows"/> windows
/// (past that the change is the service's new normal, and a further change opens a new anomaly). A verdict on a held
/// window joins its signals to the open anomaly. Bounded: a few numbers per signal, for up to
/// <see cref="MaxSignals"/> signals.
/// </summary>
[GenerateSerializer, Alias("otlpgrains.thresholds.AnomalyHold")]
public sealed class AnomalyHold
{
    /// <summary>Signals whose levels are followed; later ones (a long tail of metric series) open no hold.</summary>
    public const int MaxSignals = 64;

    // The typical level follows normal windows with about this memory, in windows.
    private const double LevelAlpha = 1.0 / 30;

    // A signal still counts as departed while it is at least this share of its onset departure away from its level.
    private const double StillDeparted = 0.5;

    [Id(0)] private double[] _levels = [];
    [Id(1)] private long _onset;
    [Id(2)] private AnomalySeverity _severity;
    [Id(3)] private int[] _signals = [];
    [Id(4)] private string[] _names = [];
    [Id(5)] private double[] _departures = [];
    [Id(6)] private double _threshold = double.NaN;
    [Id(7)] private int _held;

    /// <summary>True while an anomaly is open.</summary>
    public bool IsOpen => _signals.Length > 0;

    /// <summary>
    /// Applies the hold to the verdict on one window with feature vector <paramref name="values"/>: an anomalous
    /// verdict opens an anomaly (or joins the open one); a normal verdict continues an open anomaly whose signals
    /// have not come back, as a <see cref="AnomalyVerdict.Held"/> verdict; otherwise it closes it. Normal windows
    /// teach the typical levels.
    /// </summary>
    public AnomalyVerdict Apply(AnomalyVerdict verdict, long windowStartUnixNano, ReadOnlySpan<double> values, SpotOptions options)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        ArgumentNullException.ThrowIfNull(options);
        int followed = Math.Min(values.Length, MaxSignals);
        if (_levels.Length < followed)
        {
            int known = _levels.Length;
            Array.Resize(ref _levels, followed);
            _levels.AsSpan(known).Fill(double.NaN);
        }

        if (verdict.IsAnomalous)
        {
            Open(verdict, windowStartUnixNano, values);
            return verdict with { OnsetUnixNano = _onset };
        }

        if (IsOpen && _held < options.HoldWindows && StillOut(values))
        {
            _held++;
            return verdict with
            {
                Severity = _severity,
                Threshold = _threshold,
                Signals = _names,
                Drivers = _signals,
                Held = true,
                OnsetUnixNano = _onset,
            };
        }

        Close();
        Learn(values);
        return verdict;
    }

    private void Open(AnomalyVerdict verdict, long windowStartUnixNano, ReadOnlySpan<double> values)
    {
        if (!IsOpen)
        {
            _onset = windowStartUnixNano;
            _severity = verdict.Severity;
            _threshold = verdict.Threshold;
            _held = 0;
        }
        else if (verdict.Severity > _severity)
        {
            _severity = verdict.Severity;
            _threshold = verdict.Threshold;
        }

        // Each driver's departure from its level at onset; a signal already held keeps its first departure.
        var signals = new List<int>(_signals);
        var names = new List<string>(_names);
        var departures = new List<double>(_departures);
        for (int d = 0; d < verdict.Drivers.Length; d++)
        {
            int i = verdict.Drivers[d];
            if (i >= _levels.Length || signals.Contains(i) || double.IsNaN(_levels[i]) || !double.IsFinite(values[i]))
            {
                continue;
            }

            signals.Add(i);
            names.Add(d < verdict.Signals.Length ? verdict.Signals[d] : $"signal{i}");
            departures.Add(values[i] - _levels[i]);
        }

        // An anomaly none of whose drivers has a level yet holds for no further window.
        _signals = [.. signals];
        _names = [.. names];
        _departures = [.. departures];
    }

    private bool StillOut(ReadOnlySpan<double> values)
    {
        for (int k = 0; k < _signals.Length; k++)
        {
            int i = _signals[k];
            double departure = _departures[k];
            if (i < values.Length && double.IsFinite(values[i]) && departure != 0 &&
                (values[i] - _levels[i]) / departure >= StillDeparted)
            {
                return true;
            }
        }

        return false;
    }

    private void Close()
    {
        _signals = [];
        _names = [];
        _departures = [];
        _held = 0;
        _severity = AnomalySeverity.None;
        _threshold = double.NaN;
    }

    private void Learn(ReadOnlySpan<double> values)
    {
        for (int i = 0; i < _levels.Length && i < values.Length; i++)
        {
            double v = values[i];
            if (double.IsFinite(v))
            {
                _levels[i] = double.IsNaN(_levels[i]) ? v : _levels[i] + (LevelAlpha * (v - _levels[i]));
            }
        }
    }
}
