using System.ComponentModel.DataAnnotations;
using System.Net.Mail;
using System.Text.Json;
using Hub.Core.Channels;
using Hub.Core.Inbox;
using Hub.Data;
using Hub.Server.Modules.Delivery;
using Hub.Server.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Modules.Channels.Api;

/// <summary>Sends a short test message through one channel.</summary>
/// <param name="To">An email address (email channels) or a phone number (SMS, WhatsApp).</param>
public sealed record ChannelTestRequest([property: Required, MaxLength(320)] string To);

/// <summary>The queued test message: follow it with <c>GET /api/v1/messages/{message_id}</c>.</summary>
public sealed record ChannelTestResponse(Guid MessageId, Guid ConversationId, Guid ChannelId, string Provider, string To, MessageStatus Status);

/// <summary>
/// <c>POST /api/v1/channels/{id}/test</c> (admins): writes a short test message to <c>to</c> on exactly this channel and
/// queues it in the outbox like any other message, so what comes back (sent, failed and why) is what the channel's
/// provider really did. The recipient becomes (or is matched to) a contact, as any address Hub writes to does.
/// </summary>
public static class ChannelTestApi
{
    /// <summary>The test message's text.</summary>
    public const string Text = "This is a test message from Hub. If you can read it, the channel works.";

    internal static async Task<Results<Accepted<ChannelTestResponse>, ValidationProblem, ProblemHttpResult>> SendAsync(
        Guid id, ChannelTestRequest request, HubDbContext db, OutboundWriter outbound, CancellationToken cancellationToken)
    {
        var channel = await db.Channels.FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (channel is null)
        {
            return Problems.NotFound("Channel");
        }

        if (channel.Type is not (ChannelType.Email or ChannelType.Sms or ChannelType.WhatsApp))
        {
            return Problems.Unprocessable(new Dictionary<string, string[]> { ["id"] = [$"Hub cannot start a message on a {channel.Type.ToString().ToLowerInvariant()} channel."] },
                "Only email, SMS and WhatsApp channels can send a test message.");
        }

        if (!channel.IsActive)
        {
            return Problems.Unprocessable(new Dictionary<string, string[]> { ["id"] = ["The channel is disabled."] }, "Enable the channel before testing it.");
        }

        var to = request.To.Trim();
        if (AddressProblem(channel.Type, to) is { } problem)
        {
            return Problems.Invalid("to", problem);
        }

        var sent = await outbound.SendAsync(channel.WorkspaceId, new ContactMessage(channel.Type, "Hub test message", Text)
        {
            To = to,
            ChannelId = channel.Id,
            NewConversation = true, // its own resolved conversation: nothing for an agent to do unless the recipient answers
            MaxAttempts = 1, // a test shows what the provider says at once, rather than retrying for minutes
            Metadata = new Dictionary<string, JsonElement> { ["channel_test"] = JsonSerializer.SerializeToElement(true) },
        }, cancellationToken);
        if (sent.Message is not { } message)
        {
            return Problems.Unprocessable(new Dictionary<string, string[]> { ["to"] = [sent.Refusal!] }, "The test message can't be sent.");
        }

        return TypedResults.Accepted($"/api/v1/messages/{message.Id}",
            new ChannelTestResponse(message.Id, message.ConversationId, channel.Id, channel.Provider, message.Address!, message.Status));
    }

    private static string? AddressProblem(ChannelType type, string to)
    {
        if (type == ChannelType.Email)
        {
            return MailAddress.TryCreate(to, out var parsed) && parsed.Address == to && to.Contains('.', StringComparison.Ordinal)
                ? null
                : "to must be an email address like someone@example.com.";
        }

        var digits = to.StartsWith('+') ? to[1..] : to;
        return digits.Length is >= 7 and <= 15 && digits.All(char.IsAsciiDigit) ? null : "to must be a phone number like +15550001111.";
    }
}
