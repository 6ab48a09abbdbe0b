using System.Runtime.InteropServices;

namespace OtlpGrains.Agent.Bpf;

/// <summary>The single entry of the <c>capture_config</c> map, laid out as <c>struct capture_config</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct CaptureConfig
{
    public uint CaptureBytes;
    public uint AgentTgid;
    public uint OnlyWatched;
    public uint WakeupBytes;
    public uint OnlyCgroups;
    public uint NetnsIno;
}
