namespace OtlpGrains.Agent.Bpf;

/// <summary>Bits of <see cref="EventHeader.Flags"/>, as the EVENT_FLAG_* defines in <c>probes/socket_capture.bpf.c</c>.</summary>
internal static class EventFlags
{
    /// <summary>Plaintext from a TLS library probe, not the bytes on the socket.</summary>
    public const uint Tls = 1;

    /// <summary>The captured data ends with the syscall's last bytes (their count in the bits from <see cref="TailShift"/>).</summary>
    public const uint Tail = 2;

    public const int TailShift = 16;
}
