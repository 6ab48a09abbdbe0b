using OtlpGrains.Silo;

await SiloApplication.Build(args).RunAsync();
