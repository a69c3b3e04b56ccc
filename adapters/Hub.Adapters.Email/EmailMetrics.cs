using System.Diagnostics.Metrics;

namespace Hub.Adapters.Email;

/// <summary>
/// The email channel's instruments, on the meter <see cref="MeterName"/>: whether mailboxes are being read and
/// how the SMTP pool is doing, for dashboards and alerts (an exporter or <c>dotnet-counters</c> reads them).
/// One instance per service provider, created through its <see cref="IMeterFactory"/>.
/// </summary>
public sealed class EmailMetrics
{
    public const string MeterName = "Hub.Adapters.Email";

    /// <summary>Messages read from a mailbox over IMAP and accepted by the inbox (or the bounce handler).</summary>
    public const string ImapImported = "hub.email.imap.imported";

    /// <summary>Failed attempts at reading a mailbox; each is retried after a growing delay.</summary>
    public const string ImapReadFailures = "hub.email.imap.read_failures";

    /// <summary>SMTP connections opened (a pool that works well opens few).</summary>
    public const string SmtpConnectionsOpened = "hub.email.smtp.connections.opened";

    /// <summary>SMTP connections open now, idle or in use.</summary>
    public const string SmtpConnectionsOpen = "hub.email.smtp.connections.open";

    private readonly Counter<long> _imported;
    private readonly Counter<long> _readFailures;
    private readonly Counter<long> _opened;
    private readonly UpDownCounter<long> _open;

    public EmailMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(MeterName);
        _imported = meter.CreateCounter<long>(ImapImported, "{message}", "Messages read from mailboxes over IMAP and accepted.");
        _readFailures = meter.CreateCounter<long>(ImapReadFailures, "{failure}", "Failed attempts at reading a mailbox over IMAP.");
        _opened = meter.CreateCounter<long>(SmtpConnectionsOpened, "{connection}", "SMTP connections opened.");
        _open = meter.CreateUpDownCounter<long>(SmtpConnectionsOpen, "{connection}", "SMTP connections open, idle or in use.");
    }

    internal void Imported() => _imported.Add(1);

    internal void ReadFailed() => _readFailures.Add(1);

    internal void SmtpConnectionOpened()
    {
        _opened.Add(1);
        _open.Add(1);
    }

    internal void SmtpConnectionClosed() => _open.Add(-1);
}
