using OtlpGrains.Gateway.Hosting;

return await HostRunner.RunUntilStoppedAsync(() => GatewayApplication.Build(args));
