namespace Hub.Server.Auth;

/// <summary>How a sign-in lock is put in words: the time left, rounded up to a minute a person can plan with.</summary>
public static class SignInLock
{
    /// <summary>Time left until <paramref name="until"/> (at least a second, so a lock never reads "0").</summary>
    public static TimeSpan Wait(DateTimeOffset? until, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        var left = (until ?? clock.GetUtcNow()) - clock.GetUtcNow();
        return left < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : left;
    }

    /// <summary>"1 minute", "5 minutes", "2 hours"; under a minute reads "1 minute".</summary>
    public static string Describe(TimeSpan wait)
    {
        if (wait > TimeSpan.FromMinutes(90))
        {
            var hours = (int)Math.Ceiling(wait.TotalHours);
            return hours == 1 ? "1 hour" : $"{hours} hours";
        }

        var minutes = Math.Max(1, (int)Math.Ceiling(wait.TotalMinutes));
        return minutes == 1 ? "1 minute" : $"{minutes} minutes";
    }
}
