using OtlpGrains.Agent.Tls;
using Xunit;

namespace OtlpGrains.Agent.Tests;

/// <summary>Where the Go probes go, read from a Go executable built here and from executables that are not Go.</summary>
public sealed class GoTlsBinaryTests
{
    [Fact]
    public async Task TheEntryAndEveryRetOfWriteAndReadAreFoundInAGoExecutable()
    {
        string peer = Path.Combine(Path.GetDirectoryName(await GoTlsPeer.ServerAsync())!, "peer");

        Assert.True(GoTlsBinary.IsGoExecutable(peer));
        GoTlsBinary? binary = GoTlsBinary.TryRead(peer, out string? reason);

        Assert.Null(reason);
        Assert.NotNull(binary);
        Assert.StartsWith("go1.", binary.GoVersion, StringComparison.Ordinal);
        byte[] file = await File.ReadAllBytesAsync(peer);
        foreach (GoTlsFunction function in new[] { binary.Write, binary.Read })
        {
            // Go's prologue compares the stack pointer (or, for a large frame, R12 = SP - frame) with the goroutine's
            // stack guard at [R14+16]: CMP r, [r14+0x10] ends in 3B 66 10.
            Assert.True(file.AsSpan((int)function.EntryOffset, 12).IndexOf((ReadOnlySpan<byte>)[0x3b, 0x66, 0x10]) >= 0, function.Name);
            Assert.NotEmpty(function.ReturnOffsets);
            Assert.All(function.ReturnOffsets, offset => Assert.Equal(0xc3, file[offset]));
            Assert.All(function.ReturnOffsets, offset => Assert.InRange(offset, function.EntryOffset + 1, function.EntryOffset + 8192));
        }

        Assert.Equal(binary.Write.ReturnOffsets.Distinct().Count(), binary.Write.ReturnOffsets.Count);
    }

    [Fact]
    public async Task AGoExecutableWithoutItsSymbolTableIsRefusedWithAReason()
    {
        string stripped = await GoTlsPeer.StrippedAsync();

        Assert.True(GoTlsBinary.IsGoExecutable(stripped));
        Assert.Null(GoTlsBinary.TryRead(stripped, out string? reason));
        Assert.Contains("has no symbol table", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ProgramsThatAreNotGoAreRefusedWithAReason()
    {
        string dotnet = Environment.ProcessPath!;

        Assert.False(GoTlsBinary.IsGoExecutable(dotnet));
        Assert.Null(GoTlsBinary.TryRead(dotnet, out string? reason));
        Assert.Contains("not a Go executable", reason, StringComparison.Ordinal);

        string text = Path.GetTempFileName();
        try
        {
            File.WriteAllText(text, "#!/bin/sh\n");
            Assert.False(GoTlsBinary.IsGoExecutable(text));
            Assert.Null(GoTlsBinary.TryRead(text, out reason));
            Assert.Contains("not an ELF file", reason, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(text);
        }
    }
}
