using CodegenCicd.Hosting.Configuration;

namespace CodegenCicd.Tests.WebEval;

/// <summary>
/// The browser tests need Debian's Chromium. Without it they fail at once with this message
/// (./test.sh installs it when run as root) rather than hanging or passing vacuously.
/// </summary>
public static class Chromium
{
    public static void Require()
    {
        if (ExecutableLocator.Find("chromium", "chromium-browser", "google-chrome") is null)
        {
            Assert.Fail("Chromium is not installed: run ./test.sh as root (it installs Debian's chromium) or apt-get install chromium.");
        }
    }
}
