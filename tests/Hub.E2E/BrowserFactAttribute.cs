namespace Hub.E2E;

/// <summary>
/// A test that drives the system's Chromium (<see cref="Browser.ExecutablePath"/>). Without it the test is
/// skipped, loudly, on a developer machine; under CI (<c>CI=true</c>) it runs and fails.
/// <c>scripts/lib/browser.sh</c>'s <c>ensure_browser</c> installs it.
/// </summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (!File.Exists(Browser.ExecutablePath) && Environment.GetEnvironmentVariable("CI") != "true")
        {
            Skip = $"SKIPPED: no browser at {Browser.ExecutablePath} (apt-get install chromium, or source scripts/lib/browser.sh and run ensure_browser).";
        }
    }
}
