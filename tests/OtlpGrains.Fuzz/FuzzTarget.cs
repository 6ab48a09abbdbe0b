namespace OtlpGrains.Fuzz;

/// <summary>Runs a decoder on one fuzz input; anything it throws, the fuzzer reports as a crash.</summary>
public delegate void FuzzInput(ReadOnlySpan<byte> input);

/// <summary>
/// One decoder under fuzzing: <see cref="Run"/> calls it as production does and swallows only its documented refusal,
/// and <see cref="Seeds"/> are small valid inputs that our own code generates.
/// </summary>
public sealed record FuzzTarget(string Name, string Decoder, FuzzInput Run, Func<IReadOnlyList<byte[]>> Seeds);
