namespace Hub.Chaos.Redis;

/// <summary>
/// A test that starts Redis servers of its own (<c>redis-server</c> on the PATH). Without one it is skipped,
/// loudly, on a developer machine; under CI it runs and fails.
/// </summary>
public sealed class RedisServerFactAttribute : FactAttribute
{
    public RedisServerFactAttribute()
    {
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':')
            .Any(dir => dir.Length > 0 && File.Exists(Path.Combine(dir, "redis-server")));
        if (!onPath && Environment.GetEnvironmentVariable("CI") != "true")
        {
            Skip = "SKIPPED: redis-server is not installed (the chaos suite starts and kills a Redis of its own).";
        }
    }
}
