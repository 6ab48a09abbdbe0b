namespace OtlpGrains.Gateway.Otlp;

/// <summary>One field of a <see cref="JsonMessageLayout"/>: what its JSON value must be and how it is written on the wire.</summary>
internal sealed class JsonFieldLayout
{
    /// <summary>The message's full name and the field's proto name (<c>opentelemetry.proto.trace.v1.Span.name</c>), for error messages.</summary>
    public required string FullName { get; init; }

    public required JsonFieldKind Kind { get; init; }

    public required bool IsRepeated { get; init; }

    /// <summary>A repeated number, bool or enum: all elements go in one length-delimited field.</summary>
    public required bool IsPacked { get; init; }

    /// <summary>
    /// The field is written even with its default value: a oneof member or a proto3 <c>optional</c>, whose
    /// presence means something. Other fields at their default are left out, as a protobuf serializer does.
    /// </summary>
    public required bool HasPresence { get; init; }

    /// <summary>The encoded tag of each value, or of the one packed field; its wire type comes with it.</summary>
    public required byte[] Tag { get; init; }

    /// <summary>The bit of the containing oneof in <see cref="JsonMessageLayout.OneofNames"/>, or -1.</summary>
    public required int OneofIndex { get; init; }

    /// <summary>The nested layout of a <see cref="JsonFieldKind.Message"/> field (set once the graph is built).</summary>
    public JsonMessageLayout? Message { get; internal set; }

    /// <summary>The values by name of a <see cref="JsonFieldKind.Enum"/> field.</summary>
    public Utf8NameTable<int>? EnumValues { get; init; }

    /// <summary>The full name of the nested message or enum type, for error messages.</summary>
    public string? TypeName { get; init; }
}
