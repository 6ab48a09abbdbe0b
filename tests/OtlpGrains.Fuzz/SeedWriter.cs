namespace OtlpGrains.Fuzz;

/// <summary>
/// Writes each target's seeds to DIR/TARGET/seed-N, after checking that the target takes each one quietly, and its
/// dictionary, if it has one, to DIR/TARGET.dict (beside the folder: afl-fuzz takes every file in it for a seed).
/// </summary>
public static class SeedWriter
{
    public static int Write(string directory)
    {
        foreach (var target in FuzzTargets.All)
        {
            var folder = Path.Combine(directory, target.Name);
            Directory.CreateDirectory(folder);
            var seeds = target.Seeds();
            long exchanges = ProtocolTargets.Exchanges;
            long refusals = GatewayTargets.Refusals;
            for (int i = 0; i < seeds.Count; i++)
            {
                // A seed the target rejects with a crash would make afl-fuzz refuse to start; say which one instead.
                try
                {
                    target.RunBounded(seeds[i]);
                }
                catch (Exception ex)
                {
                    Console.Error.WriteLine($"{target.Name}: seed {i} fails: {ex.GetType().Name}: {ex.Message}");
                    return 1;
                }

                File.WriteAllBytes(Path.Combine(folder, $"seed-{i}"), seeds[i]);
            }

            exchanges = ProtocolTargets.Exchanges - exchanges;
            refusals = GatewayTargets.Refusals - refusals;
            Console.WriteLine($"{target.Name}: {seeds.Count} seeds{(exchanges > 0 ? $", {exchanges} protocol exchanges" : "")}{(refusals > 0 ? $", {refusals} refused" : "")}");
            if (target.Dictionary is { } tokens)
            {
                FuzzDictionary.Write(Path.Combine(directory, target.Name + ".dict"), tokens);
            }
        }

        return 0;
    }
}
