using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Federation;

/// <summary>
/// One peer as the federation grain tracks it: the latest summary only (a newer one replaces it, so nothing queues
/// however long a peer is slow or down), the last outcome, and when the next pull is due under <see cref="PeerBackoff"/>.
/// At most one pull is in flight per peer.
/// </summary>
public sealed class PeerRecord(string name, PeerBackoff backoff)
{
    /// <summary>Before the first pull comes back.</summary>
    public const string NotReachedYet = "not reached yet";

    private ClusterSummary? _latest;
    private ClusterStatus _status = ClusterStatus.Unavailable;
    private DateTimeOffset? _lastSuccess;
    private string? _lastError = NotReachedYet;
    private int _failures;
    private DateTimeOffset? _nextAttempt;
    private bool _inFlight;

    public string Name { get; } = name;

    /// <summary>True when no pull is in flight and the backoff's wait has passed.</summary>
    public bool IsDue(DateTimeOffset now) => !_inFlight && (_nextAttempt is null || now >= _nextAttempt);

    /// <summary>Marks a pull as started; false when one is in flight already.</summary>
    public bool TryBegin()
    {
        if (_inFlight)
        {
            return false;
        }

        _inFlight = true;
        return true;
    }

    public void Succeeded(ClusterSummary summary, DateTimeOffset now)
    {
        _inFlight = false;
        _latest = summary;
        _status = ClusterStatus.Ok;
        _lastSuccess = now;
        _lastError = null;
        _failures = 0;
        _nextAttempt = now + backoff.Delay(0, 0);
    }

    /// <summary>Records a failed pull; <paramref name="unit"/> is the jitter's draw in [0, 1).</summary>
    public void Failed(ClusterStatus status, string detail, DateTimeOffset now, double unit)
    {
        _inFlight = false;
        _status = status == ClusterStatus.Ok ? ClusterStatus.Error : status;
        _lastError = OneLine.Of(detail);
        _failures = _failures == int.MaxValue ? _failures : _failures + 1;
        _nextAttempt = now + backoff.Delay(_failures, unit);
    }

    /// <summary>
    /// The peer said its summary changed: pull it as soon as a tick comes, though not sooner than
    /// <paramref name="spacing"/> after the last successful pull, so that a peer that keeps saying so cannot make this
    /// cluster pull it faster than that. A failing peer that says so is alive: its backoff ends.
    /// </summary>
    public void PullSoon(DateTimeOffset now, TimeSpan spacing)
    {
        var earliest = _lastSuccess is { } last && _failures == 0 ? last + spacing : now;
        var at = earliest > now ? earliest : now;
        if (_nextAttempt is null || at < _nextAttempt)
        {
            _nextAttempt = at;
        }
    }

    public PeerState ToState() => new(Name, _status, _latest, _lastSuccess, _lastError, _failures, _nextAttempt);
}
