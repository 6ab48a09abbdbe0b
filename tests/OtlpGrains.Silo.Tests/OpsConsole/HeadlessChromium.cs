using System.Collections.ObjectModel;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using Xunit;

namespace OtlpGrains.Silo.Tests.OpsConsole;

/// <summary>
/// Debian's chromium driven through its chromium-driver (tests/run.sh installs both), headless and without the sandbox
/// (the tests run as root). Every wait polls a condition against a deadline; a failure says what was awaited, what the
/// page's note said and what the browser logged.
/// </summary>
internal sealed class HeadlessChromium : IDisposable
{
    private const string Chromium = "/usr/bin/chromium";
    private const string DriverDirectory = "/usr/bin";

    private readonly ChromeDriver _driver;

    public HeadlessChromium(int width = 1400, int height = 1000)
    {
        Assert.True(File.Exists(Chromium) && File.Exists(Path.Combine(DriverDirectory, "chromedriver")),
            "the console's browser tests need Debian's chromium and chromium-driver: run tests/run.sh, or apt-get install chromium chromium-driver");
        var options = new ChromeOptions { BinaryLocation = Chromium };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", $"--window-size={width},{height}");
        options.SetLoggingPreference(LogType.Browser, LogLevel.All);
        var service = ChromeDriverService.CreateDefaultService(DriverDirectory, "chromedriver");
        service.SuppressInitialDiagnosticInformation = true;
        _driver = new ChromeDriver(service, options, TimeSpan.FromMinutes(2));
        _driver.Manage().Timeouts().PageLoad = TimeSpan.FromMinutes(1);
    }

    public IWebDriver Driver => _driver;

    public void Open(Uri address) => _driver.Navigate().GoToUrl(address);

    /// <summary>The first element <paramref name="css"/> finds once <paramref name="accept"/> holds for it.</summary>
    public IWebElement WaitFor(string css, TimeSpan timeout, Func<IWebElement, bool>? accept = null) =>
        Until(() => _driver.FindElements(By.CssSelector(css)).FirstOrDefault(e => accept is null || accept(e)), timeout, $"an element '{css}'");

    /// <summary>
    /// Clicks the first element <paramref name="css"/> finds; the pages redraw on every poll, so a click that meets a
    /// replaced element finds it again.
    /// </summary>
    public void Click(string css, TimeSpan timeout) =>
        Until(() => _driver.FindElements(By.CssSelector(css)).FirstOrDefault() is { } found ? Clicked(found) : null, timeout, $"an element '{css}' to click");

    private static string Clicked(IWebElement element)
    {
        element.Click();
        return "clicked";
    }

    /// <summary>Polls <paramref name="probe"/> every quarter second until it answers non-null, or fails at the deadline.</summary>
    public T Until<T>(Func<T?> probe, TimeSpan timeout, string what)
        where T : class
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                if (probe() is { } found)
                {
                    return found;
                }
            }
            catch (Exception e) when (e is StaleElementReferenceException or NoSuchElementException)
            {
                // The page redrew between finding and reading: ask again.
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"waited {timeout.TotalSeconds:0} s for {what} at {_driver.Url}; page note: '{Text("#page-note")}'; status: '{Text("#status")}'; browser log:\n{string.Join('\n', Log().Select(l => l.ToString()))}");
            }

            Thread.Sleep(250);
        }
    }

    /// <summary>
    /// Saves a PNG of the window as artifacts/console/<paramref name="name"/>.png in the repository (ignored by git, so
    /// a test run leaves the tree clean; docs/console holds copies chosen by hand).
    /// </summary>
    public void Screenshot(string name)
    {
        var directory = Path.Combine(RepositoryRoot(), "artifacts", "console");
        Directory.CreateDirectory(directory);
        _driver.GetScreenshot().SaveAsFile(Path.Combine(directory, name + ".png"));
    }

    /// <summary>The browser's console and network log since the last call.</summary>
    public ReadOnlyCollection<LogEntry> Log() => _driver.Manage().Logs.GetLog(LogType.Browser);

    /// <summary>Fails when the browser logged an error (a script error, a refused policy, a failed request).</summary>
    public void AssertNoConsoleErrors()
    {
        var errors = Log().Where(l => l.Level >= LogLevel.Severe).ToArray();
        Assert.True(errors.Length == 0, "the browser logged errors:\n" + string.Join('\n', errors.Select(e => e.ToString())));
    }

    public void Dispose() => _driver.Quit();

    private string Text(string css)
    {
        try
        {
            return string.Join(" | ", _driver.FindElements(By.CssSelector(css)).Select(e => e.Text));
        }
        catch (WebDriverException)
        {
            return "?";
        }
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "OtlpGrains.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"no OtlpGrains.sln above {AppContext.BaseDirectory}");
    }
}
