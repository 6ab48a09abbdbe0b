using OtlpGrains.Models.Evaluation.Loghub;
using OtlpGrains.Models.Logs;
using Xunit;

namespace OtlpGrains.Models.Tests.Logs;

public sealed class ScratchTests
{
    [Fact]
    public void Scratch()
    {
        var system = LoghubSystem.Load("BGL", Path.Combine(SharedData.Directory("loghub-2k"), "BGL", "BGL" + LoghubSystem.FileSuffix));
        var miner = new LogTemplateMiner(LogMinerOptions.Default);
        var log = new List<string>();
        int watched = -1;
        string before = "";
        for (int i = 0; i < system.Contents.Count; i++)
        {
            int id = miner.Match(system.Contents[i]);
            if (i == 12)
            {
                watched = id;
            }

            if (watched > 0 && miner.Template(watched) != before)
            {
                log.Add($"line {i} '{system.Contents[i]}' -> {id}: {miner.Template(watched)}");
                before = miner.Template(watched);
            }
        }

        Assert.Fail(string.Join(" | ", log));
    }
}
