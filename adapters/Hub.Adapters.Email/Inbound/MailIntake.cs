using Hub.Adapters.Email.Bounces;
using Hub.Core.Delivery;
using Hub.Core.Inbox;
using Microsoft.Extensions.Logging;
using MimeKit;

namespace Hub.Adapters.Email.Inbound;

/// <summary>What became of one received email.</summary>
public sealed record IntakeResult(InboundResult? Inbound, DeliveryStatusReport? Bounce, bool BounceMatched)
{
    public bool IsBounce => Bounce is not null;
}

/// <summary>
/// The one door every received email goes through, from IMAP or the inbound webhook: a delivery status
/// notification about one of our messages moves that message's status (and suppresses a hard-bounced
/// address); anything else goes to the inbox to be threaded into a conversation.
/// </summary>
public sealed partial class MailIntake(IInboundProcessor inbox, IDeliveryStatusSink statuses, ILogger<MailIntake> logger)
{
    public async Task<IntakeResult> AcceptAsync(MimeMessage message, MimeParsing.Arrival arrival, CancellationToken cancellationToken)
    {
        if (DeliveryStatusReport.TryRead(message) is { } report)
        {
            var update = report.ToStatusUpdate(arrival.WorkspaceId, arrival.ReceivedAt);
            var matched = update is not null && await statuses.ApplyAsync(update, cancellationToken);
            LogBounce(report.OriginalMessageId, report.Action.ToString(), report.Status, report.IsHardBounce, matched);
            return new IntakeResult(null, report, matched);
        }

        // A report we can't tie to a message of ours still reaches a person, as an ordinary message.
        var inbound = MimeParsing.ToInbound(message, arrival);
        var result = await inbox.ReceiveAsync(inbound, cancellationToken);
        return new IntakeResult(result, null, false);
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Delivery report for <{OriginalMessageId}>: {Action} {Status} (hard bounce: {HardBounce}, matched: {Matched})")]
    private partial void LogBounce(string originalMessageId, string action, string? status, bool hardBounce, bool matched);
}
