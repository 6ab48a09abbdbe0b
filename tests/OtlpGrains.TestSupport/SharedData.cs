using Xunit;

namespace OtlpGrains.TestSupport;

/// <summary>
/// Finds the read-only data sets in <c>shared/data</c>, which lies beside the repository root (CI clones the repo
/// into some folder with <c>shared/</c> next to it): walks up from the test's base directory. A missing data set
/// fails the test with a message instead of skipping it silently.
/// </summary>
public static class SharedData
{
    public static string Directory(string dataSet)
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared", "data", dataSet);
            if (System.IO.Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        Assert.Fail($"shared/data/{dataSet} not found above {AppContext.BaseDirectory}: put the shared data beside the repository root");
        throw new InvalidOperationException("unreachable");
    }
}
