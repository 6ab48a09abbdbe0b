namespace OtlpGrains.Gateway.Api;

/// <summary>The model registry API's operations, in the order <see cref="ModelApiInstruments"/> counts them.</summary>
internal enum ModelOperation
{
    List = 0,
    Get = 1,
    Register = 2,
    Promote = 3,
    Rollback = 4,
    Retire = 5,
}
