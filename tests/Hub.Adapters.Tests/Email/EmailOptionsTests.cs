using Hub.Adapters.Email;
using Hub.Core.Delivery;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Hub.Adapters.Tests.Email;

public sealed class EmailOptionsTests
{
    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        services.AddEmailChannel(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        return services.BuildServiceProvider();
    }

    [Fact]
    public void Settings_are_bound_from_the_Email_section()
    {
        using var provider = Build(new() { ["Email:PollInterval"] = "00:00:05", ["Email:SmtpPoolSize"] = "8", ["Email:UseIdle"] = "false" });

        var options = provider.GetRequiredService<IOptions<EmailOptions>>().Value;

        Assert.Equal(TimeSpan.FromSeconds(5), options.PollInterval);
        Assert.Equal(8, options.SmtpPoolSize);
        Assert.False(options.UseIdle);
        var sender = Assert.Single(provider.GetServices<IChannelSender>());
        Assert.Equal("smtp", sender.Provider);
    }

    [Theory]
    [InlineData("Email:SmtpPoolSize", "0")]
    [InlineData("Email:PollInterval", "00:00:00")]
    [InlineData("Email:IdleRefresh", "01:00:00")]
    [InlineData("Email:MaxInboundMessageBytes", "10")]
    public void Out_of_range_settings_are_refused(string key, string value)
    {
        using var provider = Build(new() { [key] = value });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<EmailOptions>>().Value);
        Assert.Contains(key.Split(':')[1], error.Message, StringComparison.Ordinal);
    }
}
