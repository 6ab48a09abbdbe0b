using System.Net;
using System.Net.Http.Headers;
using System.Text;
using OpenQA.Selenium;
using OtlpGrains.Silo.Tests.Security;
using OtlpGrains.TestSupport;
using Xunit;

namespace OtlpGrains.Silo.Tests.OpsConsole;

/// <summary>
/// The console's models page in headless Chromium against a real silo with API keys: a <c>read</c> key sees the
/// registry and no button that changes it; an <c>admin</c> key promotes a version and rolls it back, each after a
/// confirmation, and the audit list shows both.
/// </summary>
public sealed class ConsoleModelsTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task ReadKeySeesNoPromoteButtonAndAdminKeyPromotesAndRollsBack()
    {
        await using var silo = new ModelsApiSilo([.. SecuredSilo.KeySettings()]);
        await silo.InitializeAsync();
        using var admin = new HttpClient { BaseAddress = silo.Api.BaseAddress };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", SecuredSilo.Secrets["operator"]);
        string name = "ui-" + Guid.NewGuid().ToString("N")[..8];
        await UploadAsync(admin, name, 0.2);
        await UploadAsync(admin, name, 0.3);
        using (var first = await admin.PostAsync(new Uri($"/api/v1/models/{name}/promote", UriKind.Relative),
            new StringContent("""{"version":1,"stage":"production","who":"alice","reason":"first release"}""", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        using var browser = new HeadlessChromium();
        var page = new Uri(silo.Api.BaseAddress!, "/ui#/models");
        browser.Open(page);
        browser.WaitFor("#key-input", Patience, e => e.Displayed).SendKeys(SecuredSilo.Secrets["reader"] + Keys.Enter);
        browser.WaitFor($"section.model[data-model='{name}']", Patience, e => e.FindElements(By.CssSelector("tr[data-version]")).Count == 2);
        Assert.Empty(browser.Driver.FindElements(By.CssSelector("button.promote, button.rollback")));
        Assert.Contains("need an admin key", browser.WaitFor("#page-note", Patience, e => e.Text.Length > 0).Text, StringComparison.Ordinal);

        browser.Click("#forget", Patience);
        browser.WaitFor("#key-input", Patience, e => e.Displayed).SendKeys(SecuredSilo.Secrets["operator"] + Keys.Enter);
        browser.Click($"section.model[data-model='{name}'] tr[data-version='2'] button.promote[data-stage='production']", Patience);
        browser.WaitFor("#confirm-reason", Patience).SendKeys("beats v1 in the shadow");
        browser.Screenshot("models-confirm");
        browser.Click("#confirm-yes", Patience);
        browser.WaitFor($"section.model[data-model='{name}'] tr[data-version='2'] td.stage", Patience, e => e.Text == "production");
        browser.Screenshot("models");

        browser.Click($"section.model[data-model='{name}'] button.rollback", Patience);
        browser.Click("#confirm-yes", Patience);
        browser.WaitFor($"section.model[data-model='{name}'] tr[data-version='1'] td.stage", Patience, e => e.Text == "production");
        var audit = browser.WaitFor($"section.model[data-model='{name}'] details.audit", Patience, e => e.Text.Contains("rollback", StringComparison.Ordinal));
        Assert.Contains("beats v1 in the shadow", audit.Text, StringComparison.Ordinal);
        Assert.Contains("operator", audit.Text, StringComparison.Ordinal);

        browser.AssertNoConsoleErrors();
    }

    private static async Task UploadAsync(HttpClient admin, string name, double score)
    {
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(TestConstantCodec.Artifact(score)), "artifact", "model.bin" },
            { new StringContent(TestConstantCodec.KindName), "kind" },
            { new StringContent("2026-11-01T00:00:00Z"), "trainingFrom" },
            { new StringContent("2026-11-08T00:00:00Z"), "trainingTo" },
            { new StringContent("alice"), "who" },
            { new StringContent("nightly"), "reason" },
        };
        using var response = await admin.PostAsync(new Uri($"/api/v1/models/{name}/versions", UriKind.Relative), form);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"upload answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }
}
