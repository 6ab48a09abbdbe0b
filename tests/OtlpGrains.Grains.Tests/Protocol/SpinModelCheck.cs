using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Xunit;

namespace OtlpGrains.Grains.Tests.Protocol;

/// <summary>What one exhaustive spin run of <c>tools/model/ingest.pml</c> reported.</summary>
internal sealed record SpinVerdict(int Errors, long States, bool DepthTooSmall, bool OutOfMemory, string Output)
{
    /// <summary>The search ran to its end: neither the depth limit nor the memory limit cut it short.</summary>
    public bool Complete => !DepthTooSmall && !OutOfMemory;
}

/// <summary>
/// Checks the ingest protocol model with spin the way its header says to do it by hand: copies the model to a temp
/// folder, generates the verifier (<c>spin -DNAME -a</c>), compiles it with gcc for a safety search (assertions and
/// invalid end states) and runs it exhaustively (no bitstate), stopping at the first error.
/// </summary>
internal static partial class SpinModelCheck
{
    private const string ModelPath = "tools/model/ingest.pml";
    private const string InstallHint = "run `bash tests/run.sh`, which installs it (Debian packages spin and gcc)";

    // The deepest search at the suite's bounds goes under 10,000 steps (atomic steps count); the margin is for a
    // bigger bound. Memory: the suite's largest run stores about 740,000 states, some 200 MB with -DCOLLAPSE.
    // gcc -O0: pan.c compiles in seconds where -O2 takes half a minute, and the searches here run in seconds either way.
    private const int MaxDepth = 200_000;
    private const int MemoryLimitMegabytes = 3_000;

    private static readonly TimeSpan ToolLimit = TimeSpan.FromMinutes(5);

    /// <param name="defines">spin -D definitions: a variant, a mutant or a bound such as <c>FAULTS=2</c>.</param>
    public static SpinVerdict Run(params string[] defines)
    {
        string work = Directory.CreateTempSubdirectory("ingest-model-").FullName;
        try
        {
            File.Copy(FindModel(), Path.Combine(work, "ingest.pml"));
            Execute("spin", work, [.. defines.Select(d => $"-D{d}"), "-a", "ingest.pml"]);
            Execute("gcc", work, ["-O0", "-DSAFETY", "-DNOREDUCE", "-DCOLLAPSE", $"-DMEMLIM={MemoryLimitMegabytes}", "-o", "pan", "pan.c"]);
            string output = Execute(Path.Combine(work, "pan"), work, [$"-m{MaxDepth}"], allowFailure: true);
            return new SpinVerdict(
                int.Parse(Errors().Match(output) is { Success: true } e ? e.Groups[1].Value : throw new InvalidOperationException($"no error count in pan's output:\n{output}"), CultureInfo.InvariantCulture),
                long.Parse(States().Match(output) is { Success: true } s ? s.Groups[1].Value : "0", CultureInfo.InvariantCulture),
                output.Contains("max search depth too small", StringComparison.Ordinal),
                output.Contains("reached -DMEMLIM bound", StringComparison.Ordinal) || output.Contains("out of memory", StringComparison.Ordinal),
                output);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>The model in the repository: walks up from the test's base directory to the repository root.</summary>
    private static string FindModel()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, ModelPath);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        Assert.Fail($"{ModelPath} not found above {AppContext.BaseDirectory}");
        throw new UnreachableException();
    }

    private static string Execute(string tool, string workingDirectory, string[] arguments, bool allowFailure = false)
    {
        var start = new ProcessStartInfo(tool)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start");
        }
        catch (Win32Exception)
        {
            Assert.Fail($"{tool} is not installed: {InstallHint}");
            throw new UnreachableException();
        }

        using (process)
        {
            Task<string> stdout = process.StandardOutput.ReadToEndAsync();
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(ToolLimit))
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"{Path.GetFileName(tool)} {string.Join(' ', arguments)} did not finish within {ToolLimit.TotalMinutes} minutes");
            }

            string output = stdout.Result + stderr.Result;
            if (process.ExitCode != 0 && !allowFailure)
            {
                Assert.Fail($"{Path.GetFileName(tool)} {string.Join(' ', arguments)} failed (exit {process.ExitCode}):\n{output}");
            }

            return output;
        }
    }

    [GeneratedRegex(@"errors: (\d+)")]
    private static partial Regex Errors();

    [GeneratedRegex(@"(\d+) states, stored")]
    private static partial Regex States();
}
