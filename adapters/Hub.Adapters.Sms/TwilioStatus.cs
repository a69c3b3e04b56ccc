using System.Globalization;
using Hub.Core.Inbox;

namespace Hub.Adapters.Sms;

/// <summary>What a Twilio message status (and error code) means in Hub's one status model.</summary>
/// <param name="Status">The Hub status.</param>
/// <param name="Error">The reason, <c>30003: Unreachable destination handset</c>, when Twilio gave an error code.</param>
/// <param name="SuppressAddress">The recipient must not be messaged again (they replied STOP: 21610).</param>
public sealed record TwilioStatusMapping(MessageStatus Status, string? Error, bool SuppressAddress);

/// <summary>Maps Twilio's message statuses and error codes to Hub's.</summary>
public static class TwilioStatus
{
    /// <summary>The recipient replied STOP; Twilio refuses to message them until they reply START.</summary>
    public const int Unsubscribed = 21610;

    private static readonly Dictionary<int, string> Reasons = new()
    {
        [20003] = "Authentication failed: check the channel's account_sid and auth_token",
        [21211] = "Invalid 'To' phone number",
        [21408] = "Permission to send to this region is not enabled",
        [21606] = "The 'From' number is not a valid, SMS-capable number of this account",
        [21610] = "The recipient has unsubscribed (replied STOP)",
        [21612] = "The 'To' number cannot be reached from the 'From' number",
        [21614] = "The 'To' number is not a mobile number",
        [21617] = "The message body exceeds 1600 characters",
        [30003] = "Unreachable destination handset",
        [30004] = "Message blocked",
        [30005] = "Unknown destination handset",
        [30006] = "Landline or unreachable carrier",
        [30007] = "Message filtered by the carrier",
        [30008] = "Unknown error",
        [63016] = "WhatsApp: outside the 24-hour window; use an approved template",
    };

    /// <summary>
    /// Maps a status callback's <c>MessageStatus</c> and <c>ErrorCode</c> (and <c>ErrorMessage</c>, when Twilio sent
    /// one). Unknown statuses map to <see cref="MessageStatus.Sending"/>, which never moves a message backwards.
    /// </summary>
    public static TwilioStatusMapping Map(string? status, string? errorCode = null, string? errorMessage = null)
    {
        int? code = int.TryParse(errorCode, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) && parsed != 0 ? parsed : null;
        var hubStatus = (status ?? string.Empty).Trim().ToLowerInvariant() switch
        {
            "accepted" or "scheduled" or "queued" => MessageStatus.Queued,
            "sending" => MessageStatus.Sending,
            "sent" => MessageStatus.Sent,
            "delivered" => MessageStatus.Delivered,
            "read" => MessageStatus.Read,
            "undelivered" or "failed" or "canceled" => MessageStatus.Failed,
            "receiving" or "received" => MessageStatus.Received,
            _ => MessageStatus.Sending,
        };

        // Twilio can report an error code alongside an otherwise-final status only for failures; elsewhere it is noise.
        var error = hubStatus == MessageStatus.Failed ? Reason(code, errorMessage) ?? $"Twilio status '{status}'" : null;
        return new TwilioStatusMapping(hubStatus, error, code == Unsubscribed);
    }

    /// <summary><c>"30003: Unreachable destination handset"</c>, preferring Twilio's own message; null without a code.</summary>
    public static string? Reason(int? code, string? message = null)
    {
        if (code is not { } c)
        {
            return string.IsNullOrWhiteSpace(message) ? null : message.Trim();
        }

        var text = string.IsNullOrWhiteSpace(message) ? Reasons.GetValueOrDefault(c, "Twilio error") : message.Trim();
        return $"{c.ToString(CultureInfo.InvariantCulture)}: {text}";
    }

    /// <summary>True for an error code that means the address must be suppressed (21610: unsubscribed).</summary>
    public static bool SuppressesAddress(int? code) => code == Unsubscribed;
}
