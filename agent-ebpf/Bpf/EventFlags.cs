namespace OtlpGrains.Agent.Bpf;

/// <summary>Bits of <see cref="EventHeader.Flags"/>, as the EVENT_FLAG_* defines in <c>bpf/socket_capture.bpf.c</c>.</summary>
internal static class EventFlags
{
    /// <summary>Plaintext from a TLS library probe, not the bytes on the socket.</summary>
    public const uint Tls = 1;
}
