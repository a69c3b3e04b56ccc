using Hub.Server.Modules.Webhooks;
using Microsoft.Extensions.Configuration;

namespace Hub.Server.Tests.Webhooks.Outbound;

/// <summary>How <c>Webhooks</c> settings bind.</summary>
public sealed class WebhookOptionsTests
{
    [Fact]
    public void A_configured_retry_schedule_replaces_the_default_rather_than_extending_it()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Webhooks:RetrySchedule:0"] = "00:00:00.010",
            ["Webhooks:RetrySchedule:1"] = "00:00:00.050",
        }).Build();
        var options = configuration.GetSection(WebhookOptions.Section).Get<WebhookOptions>()!;
        Assert.Equal([TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(50)], options.Backoff);

        var defaults = new ConfigurationBuilder().Build().GetSection(WebhookOptions.Section).Get<WebhookOptions>() ?? new WebhookOptions();
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10), TimeSpan.FromHours(1)],
            defaults.Backoff);
    }
}
