using OtlpGrains.Evaluate.Replay;
using Xunit;

namespace OtlpGrains.Silo.Tests.Replay;

public sealed class NezhaMetricFileTests
{
    private const string Header = "Time,TimeStamp,PodName,CpuUsage(m),CpuUsageRate(%),SyscallRead\n";

    [Fact]
    public void EachNumericColumnIsAValueWithItsUnitAndAPodsUtilisationIsItsOpenTelemetryRatio()
    {
        string csv = Header +
            "2023-01-29 08:41:10.6 +0000 UTC m=+1.7,1674981670,ts-travel-service-64469b5b48-25zj6,11.5,2.25,0\n" +
            Header +
            "2023-01-29 08:42:10.6 +0000 UTC m=+61.7,1674981730,ts-travel-service-64469b5b48-25zj6,,NaN,4\n";
        using var reader = new CsvRecordReader(new StringReader(csv), "m.csv");

        var rows = NezhaMetricFile.Rows(reader, "m.csv").ToList();

        Assert.Equal(2, rows.Count);
        Assert.Equal(("ts-travel-service", "ts-travel-service-64469b5b48-25zj6", 1674981670_000_000_000L), (rows[0].Service, rows[0].Pod, rows[0].TimeUnixNano));
        Assert.Equal([new MetricValue("CpuUsage", "m", 11.5), new MetricValue("k8s.pod.cpu_limit_utilization", "1", 0.0225), new MetricValue("SyscallRead", "", 0)], rows[0].Values);
        Assert.Equal([new MetricValue("SyscallRead", "", 4)], rows[1].Values);
    }

    [Fact]
    public void FrontEndRowsAreNamedByTheirServiceColumn()
    {
        const string Csv = "Time,TimeStamp,ServiceName,SuccessRate(%),LatencyP50(s)\nt,1674981669,Frontend,0,0.09\n";
        using var reader = new CsvRecordReader(new StringReader(Csv), "front_service.csv");

        NezhaMetricRow row = Assert.Single(NezhaMetricFile.Rows(reader, "front_service.csv"));

        Assert.Equal(("Frontend", (string?)null), (row.Service, row.Pod));
        Assert.Equal(2, row.Values.Count);
    }

    [Fact]
    public void BadTimeStampIsRefused()
    {
        using var reader = new CsvRecordReader(new StringReader(Header + "t,yesterday,p,1,2,3\n"), "m.csv");

        var e = Assert.Throws<ReplayInputException>(() => NezhaMetricFile.Rows(reader, "m.csv").ToList());
        Assert.Equal("m.csv: record 2 has a TimeStamp 'yesterday' that is not Unix seconds", e.Message);
    }
}
