using OpenQA.Selenium;
using OtlpGrains.Silo.Tests.Federation;
using Xunit;

namespace OtlpGrains.Silo.Tests.OpsConsole;

/// <summary>
/// The console's federation page in headless Chromium against two federated silo processes: cluster a's console lists
/// both clusters as answering, and draws a's service calling b's service as a dashed edge between a/… and b/… nodes.
/// </summary>
[Collection(FederatedClustersCollection.Name)]
public sealed class ConsoleFederationTests(FederatedClusters clusters)
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    [Fact]
    public void TheFederationPageShowsBothClustersAndTheCallBetweenThem()
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        string front = $"ui-front-{id}", pay = $"ui-pay-{id}";
        FederationProbe.ExportCalls(clusters.A, clusters.B, front, (pay, "peer.service", pay));

        using var browser = new HeadlessChromium();
        browser.Open(new Uri($"http://127.0.0.1:{clusters.A.Ports[2]}/ui#/federation"));
        browser.WaitFor("#key-input", Patience, e => e.Displayed).SendKeys(clusters.A.Secrets["reader"] + Keys.Enter);

        browser.WaitFor("#clusters-table tr[data-cluster='b'] td.status", Patience, e => e.Text == "ok");
        Assert.Equal("ok", browser.WaitFor("#clusters-table tr[data-cluster='a'] td.status", Patience).Text);
        browser.WaitFor($"#federated-map g.edge.remote[data-edge='a/{front}\u2192b/{pay}']", Patience);
        browser.WaitFor($"#federated-map g.node[data-service='b/{pay}']", Patience);
        browser.Screenshot("federation");
        browser.AssertNoConsoleErrors();
    }
}
