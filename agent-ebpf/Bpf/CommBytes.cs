using System.Runtime.CompilerServices;

namespace OtlpGrains.Agent.Bpf;

/// <summary>A task's comm as the kernel stores it: up to 15 bytes of the program name, NUL-terminated.</summary>
[InlineArray(16)]
internal struct CommBytes
{
    private byte _element;
}
