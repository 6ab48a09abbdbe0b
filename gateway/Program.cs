using OtlpGrains.Gateway.Hosting;

await GatewayApplication.Build(args).RunAsync();
