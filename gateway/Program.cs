using OtlpGrains.Gateway.Hosting;
using OtlpGrains.Hosting;

return await HostRunner.RunUntilStoppedAsync(() => GatewayApplication.Build(args));
