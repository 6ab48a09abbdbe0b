using System.Collections;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace OtlpGrains.Gateway.Tests;

/// <summary>
/// Fills any protobuf message with seeded random values through its descriptor, so that every field of every
/// OTLP message (oneof members, optional fields, repeated and packed fields, nested AnyValue arrays and kvlists)
/// turns up without a hand-written list. Values include the edges of each type.
/// </summary>
internal sealed class RandomOtlpMessages(int seed)
{
    /// <summary>AnyValue nests through ArrayValue and KeyValueList without end; stop adding messages below this.</summary>
    private const int MaxDepth = 9;

    private static readonly string[] Texts =
    [
        "", "checkout", "GET /api/orders/{id}", "quote \" backslash \\ tab \t newline \n", "unicode é✓ 日本 🚀",
        "control \u0001 \u001f", "<html> & 'apostrophe'", "line\u2028separator", new string('x', 300),
    ];

    private static readonly double[] Doubles =
    [
        0, 1.5, -2.25e-300, double.MaxValue, double.MinValue, double.Epsilon, double.NaN, double.PositiveInfinity,
        double.NegativeInfinity, 0.1, 123456789.125,
    ];

    private static readonly long[] Longs = [0, 1, -1, long.MinValue, long.MaxValue, 9_007_199_254_740_993, 1L << 53, -300];

    private readonly Random _random = new(seed);

    public T Next<T>()
        where T : IMessage<T>, new()
    {
        var message = new T();
        Fill(message, 0);
        return message;
    }

    private void Fill(IMessage message, int depth)
    {
        MessageDescriptor descriptor = message.Descriptor;
        foreach (OneofDescriptor oneof in descriptor.Oneofs.Where(o => !o.IsSynthetic))
        {
            // One member or none; a message member only while there is depth left.
            var members = oneof.Fields.Where(f => f.FieldType != FieldType.Message || depth < MaxDepth).ToList();
            int pick = _random.Next(-1, members.Count);
            if (pick >= 0)
            {
                members[pick].Accessor.SetValue(message, Value(members[pick], depth));
            }
        }

        foreach (FieldDescriptor field in descriptor.Fields.InDeclarationOrder().Where(f => f.RealContainingOneof is null))
        {
            bool isMessage = field.FieldType == FieldType.Message;
            if (isMessage && depth >= MaxDepth)
            {
                continue;
            }

            if (field.IsRepeated)
            {
                var list = (IList)field.Accessor.GetValue(message);
                int count = _random.Next(isMessage ? 3 : 4);
                for (int i = 0; i < count; i++)
                {
                    list.Add(Value(field, depth));
                }
            }
            else if (_random.Next(4) != 0)
            {
                // Messages and proto3 optional fields are sometimes left unset; the others sometimes get their default.
                field.Accessor.SetValue(message, Value(field, depth));
            }
        }
    }

    private object Value(FieldDescriptor field, int depth) => field.FieldType switch
    {
        FieldType.Double => Pick(Doubles),
        FieldType.Float => (float)Pick(Doubles),
        FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => Pick(Longs),
        FieldType.UInt64 or FieldType.Fixed64 => _random.Next(3) == 0 ? ulong.MaxValue : (ulong)_random.NextInt64(0, long.MaxValue),
        FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => (int)Pick([0, 1, -1, int.MinValue, int.MaxValue, 4711]),
        FieldType.UInt32 or FieldType.Fixed32 => Pick([0u, 1u, uint.MaxValue, 200u]),
        FieldType.Bool => _random.Next(2) == 0,
        FieldType.String => Pick(Texts),
        FieldType.Bytes when field.Name is "trace_id" or "span_id" or "parent_span_id" => Bytes(Pick([0, 8, 16])),
        FieldType.Bytes => Bytes(_random.Next(0, 40)),
        // Unknown enum numbers travel too (as numbers).
        FieldType.Enum => _random.Next(5) == 0 ? 77 : Pick(field.EnumType.Values.Select(v => v.Number).ToArray()),
        FieldType.Message => Message(field, depth),
        _ => throw new NotSupportedException($"{field.FullName}: {field.FieldType}"),
    };

    private IMessage Message(FieldDescriptor field, int depth)
    {
        IMessage child = field.MessageType.Parser.ParseFrom(ByteString.Empty);
        Fill(child, depth + 1);
        return child;
    }

    private ByteString Bytes(int length)
    {
        var bytes = new byte[length];
        _random.NextBytes(bytes);
        return ByteString.CopyFrom(bytes);
    }

    private T Pick<T>(T[] values) => values[_random.Next(values.Length)];
}
