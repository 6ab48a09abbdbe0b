using OtlpGrains.Fuzz;
using SharpFuzz;

// tests/fuzz.sh drives this host: `seeds DIR` writes each target's seeds, `fuzz TARGET` serves afl-fuzz (input on stdin),
// `replay TARGET FILE...` runs saved inputs (a crash's or hang's) outside afl-fuzz and prints what each did.
const string Usage = "usage: OtlpGrains.Fuzz list | seeds DIR | fuzz TARGET | replay TARGET FILE...";

if (args.Length == 0)
{
    Console.Error.WriteLine(Usage);
    return 2;
}

switch (args[0])
{
    case "list":
        foreach (var target in FuzzTargets.All)
        {
            Console.WriteLine($"{target.Name,-14} {target.Decoder}");
        }

        return 0;

    case "seeds" when args.Length == 2:
        return SeedWriter.Write(args[1]);

    case "fuzz" when args.Length == 2 && FuzzTargets.Find(args[1]) is { } target:
        var input = new MemoryStream();
        Fuzzer.Run(stream =>
        {
            input.SetLength(0);
            stream.CopyTo(input);
            target.RunBounded(input.GetBuffer().AsSpan(0, (int)input.Length));
        });
        return 0;

    case "replay" when args.Length >= 3 && FuzzTargets.Find(args[1]) is { } target:
        return Replay.Run(target, args[2..]);

    default:
        Console.Error.WriteLine(args.Length >= 2 && FuzzTargets.Find(args[1]) is null && args[0] is "fuzz" or "replay"
            ? $"unknown target '{args[1]}': one of {string.Join(", ", FuzzTargets.All.Select(t => t.Name))}"
            : Usage);
        return 2;
}
