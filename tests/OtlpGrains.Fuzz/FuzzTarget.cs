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
public sealed record FuzzTarget(string Name, string Decoder, FuzzInput Run, Func<IReadOnlyList<byte[]>> Seeds, IReadOnlyList<string>? Dictionary = null);
