namespace OtlpGrains.Fuzz;

/// <summary>Runs a decoder on one fuzz input; anything it throws, the fuzzer reports as a crash.</summary>
public delegate void FuzzInput(ReadOnlySpan<byte> input);

/// <summary>
/// One decoder under fuzzing: <see cref="Run"/> calls it as production does and swallows only its documented refusal,
/// <see cref="Seeds"/> are small valid inputs that our own code generates, and <see cref="Dictionary"/> the tokens afl-fuzz may splice in.
/// </summary>
/// <remarks>
/// <see cref="Run"/> must reach instrumented decoder code even for an empty input: SharpFuzz's fork server reads its
/// first input as soon as it greets afl-fuzz, often before afl-fuzz has written it, and a first run that touches no
/// instrumented code makes afl-fuzz stop with "No instrumentation detected".
/// </remarks>
public sealed record FuzzTarget(string Name, string Decoder, FuzzInput Run, Func<IReadOnlyList<byte[]>> Seeds, IReadOnlyList<string>? Dictionary = null)
{
    /// <summary>
    /// Bytes one input may make the decoder allocate before the run counts as unbounded allocation: room for what
    /// it builds from the input (a plan, exchanges) and for first-use initialisation, never growth without limit.
    /// Default: 4 MiB plus 256 bytes per input byte.
    /// </summary>
    public long AllocationBase { get; init; } = 4L << 20;

    /// <summary>Runs <see cref="Run"/> and throws when it allocated past its budget (see <see cref="AllocationBase"/>).</summary>
    public void RunBounded(ReadOnlySpan<byte> input)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        Run(input);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        long budget = AllocationBase + (256L * input.Length);
        if (allocated > budget)
        {
            throw new InvalidOperationException($"{Name}: {allocated} bytes allocated for a {input.Length}-byte input, over the budget of {budget}");
        }
    }
}
