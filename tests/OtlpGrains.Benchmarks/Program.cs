using BenchmarkDotNet.Running;

namespace OtlpGrains.Benchmarks;

/// <summary>
/// Runs the benchmarks chosen on the command line. All of them:
/// <c>dotnet run -c Release --project tests/OtlpGrains.Benchmarks -- --filter '*'</c>;
/// one: <c>... -- --filter '*DecodeAndGroup*'</c>.
/// </summary>
/// <remarks>A named class in our namespace: the gateway's top-level <c>Program</c> is visible here too.</remarks>
internal static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
