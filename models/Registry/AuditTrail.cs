using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Registry;

/// <summary>
/// A model's audit entries, oldest first, bounded: beyond the limit the oldest are dropped and counted, so the
/// registry's state stays small however long a model lives.
/// </summary>
[GenerateSerializer, Alias("otlpgrains.AuditTrail")]
public sealed class AuditTrail
{
    [Id(0)]
    private readonly List<AuditEntry> _entries = [];

    [Id(1)]
    private long _dropped;

    public IReadOnlyList<AuditEntry> Entries => _entries;

    /// <summary>Entries dropped, oldest first, to stay within the limit.</summary>
    public long Dropped => _dropped;

    public void Append(AuditEntry entry, int limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        _entries.Add(entry);
        var excess = _entries.Count - limit;
        if (excess > 0)
        {
            _entries.RemoveRange(0, excess);
            _dropped += excess;
        }
    }
}
