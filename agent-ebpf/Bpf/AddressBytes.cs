using System.Runtime.CompilerServices;

namespace OtlpGrains.Agent.Bpf;

/// <summary>An IPv4 (first 4 bytes) or IPv6 address as the kernel stores it, in network byte order.</summary>
[InlineArray(16)]
internal struct AddressBytes
{
    private byte _element;
}
