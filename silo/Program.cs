using OtlpGrains.Hosting;
using OtlpGrains.Silo;

return await HostRunner.RunUntilStoppedAsync(() => SiloApplication.Build(args));
