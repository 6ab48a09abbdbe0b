using OtlpGrains.Evaluate.Training;
using Xunit;

namespace OtlpGrains.Silo.Tests;

/// <summary>The train command's arguments: defaults, and one line naming what is wrong.</summary>
public sealed class TrainRequestTests
{
    private static readonly string[] Required = ["--api", "http://127.0.0.1:8080", "--model", "red", "--kind", "lstm-ae", "--who", "alice", "--reason", "weekly"];

    [Fact]
    public void RequiredArgumentsGiveTheDefaults()
    {
        var (request, problem) = TrainRequest.Parse(Required);

        Assert.Null(problem);
        Assert.Equal(("red", "lstm-ae", "alice", "weekly"), (request!.Model, request.Kind, request.Who, request.Reason));
        Assert.Equal((TrainRequest.DefaultMinWindows, TrainRequest.DefaultHoldOut), (request.MinWindows, request.HoldOut));
        Assert.Null(request.From);
        Assert.Null(request.NabDirectory);
    }

    [Theory]
    [InlineData(new[] { "--kind", "prophet" }, "--kind must be one of mlnet-pca, lstm-ae, transformer-ae, iforest, baseline, not 'prophet'")]
    [InlineData(new[] { "--api", "127.0.0.1:8080" }, "--api must be an http(s) URL, not '127.0.0.1:8080'")]
    [InlineData(new[] { "--model", "Red Model" }, "--model: ")]
    [InlineData(new[] { "--from", "yesterday" }, "--from must be an RFC 3339 time")]
    [InlineData(new[] { "--from", "2026-12-02T00:00:00Z", "--to", "2026-12-01T00:00:00Z" }, "--to must be after --from")]
    [InlineData(new[] { "--holdout", "1" }, "--holdout must be a share between 0 and 1")]
    [InlineData(new[] { "--min-windows", "1" }, "--min-windows must be a whole number of at least 2")]
    [InlineData(new[] { "--epochs", "3" }, "unknown option '--epochs'")]
    [InlineData(new[] { "--who" }, "--who needs a value")]
    public void BadArgumentsAreRefusedInOneLine(string[] change, string expected)
    {
        // Later values of an option replace earlier ones, so the change overrides the required set.
        var (request, problem) = TrainRequest.Parse([.. Required, .. change]);

        Assert.Null(request);
        Assert.StartsWith(expected, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void AMissingRequiredArgumentIsNamed()
    {
        var (_, problem) = TrainRequest.Parse(["--api", "http://127.0.0.1:8080", "--model", "red", "--kind", "baseline", "--who", "alice"]);

        Assert.Equal("--reason is required", problem);
    }
}
