using System.Runtime.InteropServices;

namespace OtlpGrains.Agent.Bpf;

/// <summary>
/// The fixed part of each ring-buffer record, laid out exactly as <c>struct event_header</c> in
/// <c>probes/socket_capture.bpf.c</c> (88 bytes); <see cref="CapturedLength"/> payload bytes follow it.
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
internal struct EventHeader
{
    public const int Size = 88;

    public ulong TimestampNs;
    public uint Pid;
    public uint Tid;
    public int Fd;
    public uint OriginalLength;
    public uint CapturedLength;
    public byte Kind;
    public byte Direction;
    public ushort Family;
    public ushort SourcePort;
    public ushort DestinationPort;
    public AddressBytes SourceAddress;
    public AddressBytes DestinationAddress;
    public uint Flags;
    public CommBytes Comm;
}
