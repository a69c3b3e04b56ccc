using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Hub.Server.Auth;

/// <summary>
/// Failed sign-ins for emails that belong to no member, counted like a member's (same threshold, same lockout),
/// so "locked out" never tells a caller that an email exists: an unknown email answers exactly as a known
/// one with a wrong password. Kept in memory (bounded); it only has to look the same, not be shared by nodes.
/// </summary>
public sealed class UnknownEmailLockout(IOptions<AuthOptions> options, TimeProvider clock)
{
    private const int MaxTracked = 10_000;
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Records a failed sign-in for <paramref name="email"/>; when the email is (now) locked out, until when.</summary>
    public DateTimeOffset? FailAndCheckLocked(string? email)
    {
        var key = (email ?? string.Empty).Trim();
        var now = clock.GetUtcNow();
        var max = options.Value.MaxFailedAccessAttempts;
        var duration = options.Value.LockoutDuration;
        if (_entries.Count >= MaxTracked)
        {
            Prune(now);
        }

        var entry = _entries.AddOrUpdate(key,
            _ => Next(new Entry(0, null, now), now, max, duration),
            (_, current) => Next(current, now, max, duration));
        return entry.LockedUntil is { } until && until > now ? until : null;
    }

    private static Entry Next(Entry current, DateTimeOffset now, int max, TimeSpan duration)
    {
        if (current.LockedUntil is { } until)
        {
            // Locked: stays locked until the end; afterwards counting starts again (as Identity resets on lockout).
            return until > now ? current : Next(new Entry(0, null, now), now, max, duration);
        }

        var failures = current.Failures + 1;
        return failures >= max ? new Entry(0, now + duration, now) : new Entry(failures, null, now);
    }

    private void Prune(DateTimeOffset now)
    {
        var horizon = options.Value.LockoutDuration;
        foreach (var (key, entry) in _entries)
        {
            if ((entry.LockedUntil ?? entry.LastFailure + horizon) <= now)
            {
                _entries.TryRemove(key, out _);
            }
        }

        if (_entries.Count >= MaxTracked)
        {
            _entries.Clear();
        }
    }

    private sealed record Entry(int Failures, DateTimeOffset? LockedUntil, DateTimeOffset LastFailure);
}
