namespace OtlpGrains.Interfaces;

/// <summary>
/// What <c>/metrics</c> reads of a service at each scrape, in one grain call: its cumulative totals and where its
/// detection stands (the verdict on its last closed span window).
/// </summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.ServiceScrape")]
public sealed record ServiceScrape(
    [property: Id(0)] ServiceTotals Totals,
    [property: Id(1)] AnomalyStatus Detection);
