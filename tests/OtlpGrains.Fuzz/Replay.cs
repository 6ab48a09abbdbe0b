namespace OtlpGrains.Fuzz;

/// <summary>Runs saved inputs through a target outside afl-fuzz: each prints ok or the exception it escaped with.</summary>
public static class Replay
{
    public static int Run(FuzzTarget target, IEnumerable<string> files)
    {
        int failures = 0;
        foreach (var file in files)
        {
            var bytes = File.ReadAllBytes(file);
            try
            {
                target.RunBounded(bytes);
                Console.WriteLine($"{file}: ok ({bytes.Length} bytes)");
            }
            catch (Exception ex)
            {
                failures++;
                Console.WriteLine($"{file}: {ex.GetType().FullName}: {ex.Message}");
                Console.WriteLine(ex.StackTrace);
                Console.WriteLine($"  input: {Convert.ToHexString(bytes)}");
            }
        }

        return failures == 0 ? 0 : 1;
    }
}
