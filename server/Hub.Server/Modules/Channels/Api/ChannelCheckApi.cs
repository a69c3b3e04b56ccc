using Microsoft.Extensions.DependencyInjection.Extensions;
using System.Diagnostics;
using Hub.Adapters.Email;
using Hub.Adapters.Email.Sending;
using Hub.Core.Channels;
using Hub.Data;
using Hub.Server.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Hub.Server.Modules.Channels.Api;

/// <summary>Settings of the channels API (section <c>Channels</c>).</summary>
public sealed class ChannelCheckOptions
{
    public const string Section = "Channels";

    /// <summary>
    /// Let the connection check reach mail servers on loopback, private, link-local (cloud metadata) and other
    /// reserved addresses. Off by default: the check connects wherever an admin's form says, so without the guard it
    /// would be a way to probe the internal network. Turn it on for an internal relay or the development mail servers.
    /// </summary>
    public bool AllowPrivateHosts { get; set; }
}

/// <summary>What one mail server answered.</summary>
/// <param name="Protocol"><c>smtp</c> or <c>imap</c>.</param>
/// <param name="Ok">Connected, signed in (when a user name is set) and, for IMAP, opened the folder.</param>
/// <param name="Greeting">The server's first line, as it sent it.</param>
/// <param name="Secure">The connection was encrypted (TLS on connect or STARTTLS).</param>
/// <param name="Authenticated">Signed in with the channel's user name and password.</param>
/// <param name="Detail">What went wrong, in the server's or the network's words; or, for IMAP, what the folder holds.</param>
/// <param name="Transcript">The server's lines (never what Hub sent, so no password), at most 40.</param>
public sealed record MailServerCheck(
    string Protocol, string Host, int Port, bool Ok, string? Greeting, bool Secure, bool Authenticated, string? Detail,
    IReadOnlyList<string> Transcript, long ElapsedMs);

/// <summary>The channel's connection check: each configured server's answer, and the health it leaves on the channel.</summary>
public sealed record ChannelCheckResponse(Guid ChannelId, bool Ok, ChannelHealth Health, DateTimeOffset CheckedAt, IReadOnlyList<MailServerCheck> Servers);

/// <summary>
/// <c>POST /api/v1/channels/{id}/check</c> (admins): connects to the email channel's SMTP and IMAP servers with its
/// stored settings, signs in, and reports what each server said; the channel's <c>health</c> and
/// <c>last_checked_at</c> are set from the result. Unlike "send test", nothing is sent. Hosts are refused on
/// private or reserved addresses (as resolved) unless <c>Channels:AllowPrivateHosts</c>.
/// </summary>
public static class ChannelCheckApi
{
    /// <summary>
    /// Longest a check waits for one server: long enough for a server's penalty on repeated failed sign-ins (Dovecot
    /// waits up to 15 s before refusing), so a wrong password reads as one, short enough for an admin to wait on.
    /// </summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>The <c>Channels</c> settings; called by the channels module.</summary>
    public static IHostApplicationBuilder AddChannelChecks(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ChannelCheckOptions>().BindConfiguration(ChannelCheckOptions.Section);
        builder.Services.AddHttpClient(Twilio.TwilioChannelCheck.SelfTestClient)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false });
        builder.Services.AddTransient<Twilio.TwilioChannelCheck>();
        builder.Services.TryAddSingleton<Hub.Web.Services.OwnServerAddress>();
        return builder;
    }

    internal static async Task<Results<Ok<ChannelCheckResponse>, ProblemHttpResult>> CheckAsync(
        Guid id, HubDbContext db, ChannelSecrets secrets, IOptionsMonitor<ChannelCheckOptions> options, Twilio.TwilioChannelCheck twilio,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var channel = await db.Channels.FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (channel is null)
        {
            return Problems.NotFound("Channel");
        }

        if (channel.Provider == Hub.Adapters.Sms.TwilioChannelSettings.Provider && channel.Type is ChannelType.Sms or ChannelType.WhatsApp)
        {
            return TypedResults.Ok(await RecordAsync(channel, [.. await twilio.RunAsync(channel, secrets.Reveal(channel), cancellationToken)], db, clock, cancellationToken));
        }

        if (channel.Type != ChannelType.Email || channel.Provider != SmtpSender.ProviderName)
        {
            return Problems.Unprocessable(new Dictionary<string, string[]> { ["id"] = ["Only email channels with the smtp provider and Twilio channels have a connection to check."] },
                "Use \"send test\" to try this channel.");
        }

        var settings = EmailChannelSettings.ToStrings(secrets.Reveal(channel));
        var allowPrivate = options.CurrentValue.AllowPrivateHosts;
        var checks = new List<MailServerCheck>();
        foreach (var (protocol, plainPort, sslPort) in new[] { ("smtp", 587, 465), ("imap", 143, 993) })
        {
            if (settings.ContainsKey($"{protocol}_host"))
            {
                checks.Add(await MailServerProbe.CheckAsync(protocol, settings, plainPort, sslPort, allowPrivate, Timeout, cancellationToken));
            }
        }

        if (checks.Count == 0)
        {
            return Problems.Unprocessable(new Dictionary<string, string[]> { ["settings.smtp_host"] = ["Set the SMTP server (and the IMAP server to receive mail) first."] },
                "The channel names no mail server.");
        }

        return TypedResults.Ok(await RecordAsync(channel, checks, db, clock, cancellationToken));
    }

    /// <summary>Sets the channel's health from the checks and answers them.</summary>
    private static async Task<ChannelCheckResponse> RecordAsync(Channel channel, List<MailServerCheck> checks, HubDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var passed = checks.Count(c => c.Ok);
        channel.Health = passed == checks.Count ? ChannelHealth.Healthy : passed == 0 ? ChannelHealth.Down : ChannelHealth.Degraded;
        channel.LastCheckedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return new ChannelCheckResponse(channel.Id, passed == checks.Count, channel.Health, channel.LastCheckedAt.Value, checks);
    }

    internal static long Elapsed(long started) => (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
}
