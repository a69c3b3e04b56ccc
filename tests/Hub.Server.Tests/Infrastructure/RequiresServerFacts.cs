namespace Hub.Server.Tests.Infrastructure;

/// <summary>
/// A test that needs the Redis server <c>scripts/test.sh</c> starts (<c>HUB_TEST_REDIS</c>). Without it
/// the test is skipped, loudly, on a developer machine; under CI it runs and fails.
/// </summary>
public sealed class RedisFactAttribute : FactAttribute
{
    public RedisFactAttribute()
    {
        if (TestServers.Redis is null && Environment.GetEnvironmentVariable("CI") != "true")
        {
            Skip = "SKIPPED: no Redis (set HUB_TEST_REDIS or run scripts/test.sh, which starts one).";
        }
    }
}

/// <summary>Where the servers the test script started are.</summary>
public static class TestServers
{
    public static string? Redis => Environment.GetEnvironmentVariable("HUB_TEST_REDIS") is { Length: > 0 } r ? r
        : Environment.GetEnvironmentVariable("CI") == "true" ? "127.0.0.1:16379" : null;
}
