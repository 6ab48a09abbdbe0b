using OtlpGrains.Evaluate.Replay;
using Xunit;

namespace OtlpGrains.Silo.Tests.Replay;

public sealed class ReplayOptionsTests
{
    [Fact]
    public void DefaultsAreMaxSpeedOnTheLocalPortWithoutShift()
    {
        ReplayOptions options = ReplayOptions.Parse(["data"], out string? error)!;

        Assert.Null(error);
        Assert.Equal(("data", "http://127.0.0.1:4317/", (double?)null, false, 500, 1), (options.Directory, options.Endpoint.ToString(), options.Speed, options.WithHistory, options.Batch, options.InFlight));
        Assert.Null(options.ShiftTo);
        Assert.Null(options.From);
        Assert.Null(options.CloseGaps);
    }

    [Fact]
    public void EveryOptionIsRead()
    {
        ReplayOptions options = ReplayOptions.Parse(
            ["data", "--endpoint", "http://10.0.0.1:4327", "--speed", "60", "--from", "08:42", "--to", "09:05:30", "--with-history", "--shift-to", "now", "--close-gaps", "90", "--batch", "200", "--in-flight", "4"],
            out _)!;

        Assert.Equal(("http://10.0.0.1:4327/", (double?)60, new TimeOnly(8, 42), new TimeOnly(9, 5, 30), true, 200, 4),
            (options.Endpoint.ToString(), options.Speed, options.From, options.To, options.WithHistory, options.Batch, options.InFlight));
        Assert.True(options.ShiftTo!.IsNow);
        Assert.Equal(TimeSpan.FromSeconds(90), options.CloseGaps);
    }

    [Fact]
    public void ShiftToTakesAUtcTime()
    {
        ReplayOptions options = ReplayOptions.Parse(["data", "--shift-to", "2026-12-04T22:00:00Z"], out _)!;

        Assert.Equal(new DateTimeOffset(2026, 12, 4, 22, 0, 0, TimeSpan.Zero), options.ShiftTo!.At);
    }

    [Theory]
    [InlineData(new[] { "--speed", "60" }, "replay needs the Nezha data set folder")]
    [InlineData(new[] { "data", "--speed", "0" }, "bad --speed '0'")]
    [InlineData(new[] { "data", "--speed", "fast" }, "bad --speed 'fast'")]
    [InlineData(new[] { "data", "--from", "8h" }, "bad --from '8h'")]
    [InlineData(new[] { "data", "--from", "09:00", "--to", "08:00" }, "--from 09:00 must be before --to 08:00")]
    [InlineData(new[] { "data", "--endpoint", "localhost:4317" }, "bad --endpoint 'localhost:4317'")]
    [InlineData(new[] { "data", "--batch" }, "--batch needs a value, or is not an option")]
    [InlineData(new[] { "data", "--close-gaps", "-1" }, "bad --close-gaps '-1'")]
    [InlineData(new[] { "data", "--in-flight", "0" }, "bad --in-flight '0'")]
    [InlineData(new[] { "data", "--colour", "red" }, "bad --colour 'red'")]
    public void BadArgumentsAreNamed(string[] args, string message)
    {
        Assert.Null(ReplayOptions.Parse(args, out string? error));
        Assert.Equal(message, error);
    }
}
