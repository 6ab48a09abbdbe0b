using System.Runtime.CompilerServices;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Gateway.Ingest;

/// <summary>
/// One thread's shared <see cref="SpanLabel"/>s, so that spans with the same service, name and peer hold one label and
/// no span allocates its own. Looked up by the identity of the strings, which the thread's
/// <see cref="Otlp.Utf8StringPool"/> hands out once per name: no hashing of characters per span. A string the pool
/// did not share (too long, or the pool was cleared) only misses, and the cache is cleared when full, so it stays
/// bounded whatever the names.
/// </summary>
internal sealed class SpanLabelCache
{
    public const int Capacity = 4096;

    private readonly Dictionary<Names, SpanLabel> _labels = new(256);

    /// <summary>Labels held now (at most <see cref="Capacity"/>).</summary>
    public int Count => _labels.Count;

    public SpanLabel Get(string service, string name, string? peer)
    {
        var names = new Names(service, name, peer);
        if (!_labels.TryGetValue(names, out SpanLabel? label))
        {
            if (_labels.Count >= Capacity)
            {
                _labels.Clear();
            }

            label = new SpanLabel(service, name, peer);
            _labels.Add(names, label);
        }

        return label;
    }

    private readonly struct Names(string service, string name, string? peer) : IEquatable<Names>
    {
        private readonly string _service = service;
        private readonly string _name = name;
        private readonly string? _peer = peer;

        public bool Equals(Names other) =>
            ReferenceEquals(_service, other._service) && ReferenceEquals(_name, other._name) && ReferenceEquals(_peer, other._peer);

        public override bool Equals(object? obj) => obj is Names other && Equals(other);

        public override int GetHashCode() =>
            HashCode.Combine(RuntimeHelpers.GetHashCode(_service), RuntimeHelpers.GetHashCode(_name), _peer is null ? 0 : RuntimeHelpers.GetHashCode(_peer));
    }
}
