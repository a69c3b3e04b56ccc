using System.Net;
using Hub.Server.Tests.Infrastructure;

namespace Hub.Server.Tests.Storage;

/// <summary>With Redis configured, Hub is ready only while Redis answers.</summary>
public sealed class RedisReadinessTests
{
    [RedisFact]
    public async Task Ready_includes_redis_when_it_is_configured()
    {
        var app = new HubApp();
        app.Settings["ConnectionStrings:Redis"] = TestServers.Redis;
        await ((IAsyncLifetime)app).InitializeAsync();
        try
        {
            var ready = await app.Anonymous().GetJsonAsync("/health/ready");
            Assert.Equal("Healthy", ready.GetProperty("checks").GetProperty("redis").Str("status"));
        }
        finally
        {
            await ((IAsyncLifetime)app).DisposeAsync();
        }
    }

    [Fact]
    public async Task Ready_says_503_unhealthy_when_the_configured_redis_is_down()
    {
        var app = new HubApp();
        app.Settings["ConnectionStrings:Redis"] = "127.0.0.1:1,connectTimeout=200";
        await ((IAsyncLifetime)app).InitializeAsync();
        try
        {
            var response = await app.Anonymous().GetAsync("/health/ready");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            var body = await response.JsonAsync();
            Assert.Equal("Unhealthy", body.GetProperty("checks").GetProperty("redis").Str("status"));
            Assert.Equal(HttpStatusCode.OK, (await app.Anonymous().GetAsync("/health/live")).StatusCode);
        }
        finally
        {
            await ((IAsyncLifetime)app).DisposeAsync();
        }
    }
}
