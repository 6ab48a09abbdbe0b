using System.Buffers;
using Google.Protobuf;
using OpenTelemetry.Proto.Common.V1;
using OtlpGrains.Agent.Processes;

namespace OtlpGrains.Agent.Export;

/// <summary>
/// Encodes a batch of spans as the bytes of an OTLP <c>ExportTraceServiceRequest</c> (one <c>ResourceSpans</c> per
/// process, one <c>ScopeSpans</c> each) from spans already encoded (<see cref="AgentSpan"/>): the enclosing lengths are
/// summed from the spans' sizes, each span is copied once, and each process's resource is encoded once and kept.
/// Not thread-safe: one writer per sending loop.
/// </summary>
internal sealed class TraceRequestWriter
{
    // Field tags (field number << 3 | wire type 2).
    private const byte ResourceSpansTag = 0x0A; // ExportTraceServiceRequest.resource_spans = 1
    private const byte ResourceTag = 0x0A;      // ResourceSpans.resource = 1
    private const byte ScopeSpansTag = 0x12;    // ResourceSpans.scope_spans = 2
    private const byte ScopeTag = 0x0A;         // ScopeSpans.scope = 1
    private const byte SpanTag = 0x12;          // ScopeSpans.spans = 2

    private static readonly byte[] Scope = new InstrumentationScope { Name = "otlpgrains-agent" }.ToByteArray();

    private readonly Dictionary<ProcessIdentity, byte[]> _resources = [];
    private readonly Dictionary<int, List<int>> _groups = [];
    private int[] _sizes = new int[512];

    /// <summary>The node's id, on every resource as <c>host.id</c>.</summary>
    public string? NodeId { get; init; }

    /// <summary>Processes whose encoded resource is kept; the oldest are forgotten past this many.</summary>
    public int MaxResources { get; init; } = 4096;

    /// <summary>
    /// The request bytes for the batch, grouped by process id in order of first appearance, in a buffer rented from
    /// <see cref="ArrayPool{T}.Shared"/> (a request of 512 spans is ~150 KB: a fresh array per batch would be a
    /// zeroed large-object allocation); the caller returns <c>segment.Array</c> when done.
    /// </summary>
    public ArraySegment<byte> Write(IReadOnlyList<(ProcessIdentity Process, AgentSpan Span)> batch)
    {
        if (_sizes.Length < batch.Count)
        {
            _sizes = new int[Math.Max(batch.Count, _sizes.Length * 2)];
        }

        // Group by process, keeping first-appearance order; sizes once per span.
        var order = new List<int>();
        foreach (List<int> members in _groups.Values)
        {
            members.Clear();
        }

        for (int i = 0; i < batch.Count; i++)
        {
            _sizes[i] = batch[i].Span.EncodedLength;
            int pid = batch[i].Process.Pid;
            if (!_groups.TryGetValue(pid, out List<int>? members))
            {
                members = [];
                _groups[pid] = members;
            }

            if (members.Count == 0)
            {
                order.Add(pid);
            }

            members.Add(i);
        }

        int total = 0;
        var groupSizes = new (int ScopeSpans, int ResourceSpans, byte[] Resource)[order.Count];
        for (int g = 0; g < order.Count; g++)
        {
            List<int> members = _groups[order[g]];
            byte[] resource = ResourceBytes(batch[members[0]].Process);
            int scopeSpans = Field(Scope.Length);
            foreach (int i in members)
            {
                scopeSpans += Field(_sizes[i]);
            }

            int resourceSpans = Field(resource.Length) + Field(scopeSpans);
            groupSizes[g] = (scopeSpans, resourceSpans, resource);
            total += Field(resourceSpans);
        }

        byte[] bytes = ArrayPool<byte>.Shared.Rent(total);
        int at = 0;
        for (int g = 0; g < order.Count; g++)
        {
            (int scopeSpans, int resourceSpans, byte[] resource) = groupSizes[g];
            at = WriteHeader(bytes, at, ResourceSpansTag, resourceSpans);
            at = WriteHeader(bytes, at, ResourceTag, resource.Length);
            resource.CopyTo(bytes, at);
            at += resource.Length;
            at = WriteHeader(bytes, at, ScopeSpansTag, scopeSpans);
            at = WriteHeader(bytes, at, ScopeTag, Scope.Length);
            Scope.CopyTo(bytes, at);
            at += Scope.Length;
            foreach (int i in _groups[order[g]])
            {
                at = WriteHeader(bytes, at, SpanTag, _sizes[i]);
                batch[i].Span.WriteTo(bytes.AsSpan(at, _sizes[i]));
                at += _sizes[i];
            }
        }

        if (at != total)
        {
            ArrayPool<byte>.Shared.Return(bytes);
            throw new InvalidOperationException($"encoded {at} of {total} bytes");
        }

        return new ArraySegment<byte>(bytes, 0, total);
    }

    // A length-delimited field with a one-byte tag: tag, length varint, body.
    private static int Field(int length) => 1 + CodedOutputStream.ComputeLengthSize(length) + length;

    // Writes a one-byte tag and the length as a base-128 varint; returns the position after them.
    private static int WriteHeader(byte[] bytes, int at, byte tag, int length)
    {
        bytes[at++] = tag;
        uint value = (uint)length;
        while (value >= 0x80)
        {
            bytes[at++] = (byte)(value | 0x80);
            value >>= 7;
        }

        bytes[at++] = (byte)value;
        return at;
    }

    private byte[] ResourceBytes(ProcessIdentity process)
    {
        if (!_resources.TryGetValue(process, out byte[]? bytes))
        {
            if (_resources.Count >= MaxResources)
            {
                _resources.Clear(); // processes come and go; re-encoding the live ones is cheap
            }

            bytes = OtlpSpanExporter.ResourceOf(process, NodeId).ToByteArray();
            _resources[process] = bytes;
        }

        return bytes;
    }
}
