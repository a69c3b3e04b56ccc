using System.ComponentModel.DataAnnotations;

namespace Hub.Adapters.Email;

/// <summary>Settings of the email channel (section <c>Email</c>); per-mailbox servers live in the channel rows.</summary>
public sealed class EmailOptions
{
    public const string Section = "Email";

    /// <summary>How often a mailbox without IMAP IDLE (or with <see cref="UseIdle"/> off) is checked for new mail.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Use IMAP IDLE when the server supports it, so new mail arrives within a second.</summary>
    public bool UseIdle { get; set; } = true;

    /// <summary>An IDLE is ended and restarted this often (servers drop idle sessions after 30 minutes, RFC 2177).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:29:00")]
    public TimeSpan IdleRefresh { get; set; } = TimeSpan.FromMinutes(9);

    /// <summary>Read mailboxes over IMAP at all (off: only the inbound webhook brings mail in).</summary>
    public bool ImapEnabled { get; set; } = true;

    /// <summary>How often the list of email channels is re-read, so new, changed and removed mailboxes are noticed.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan ChannelRefreshInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>On the first read of a mailbox (or after its UIDVALIDITY changed), mail received this many days back is imported; 0 = only new mail.</summary>
    [Range(0, 3650)]
    public int InitialImportDays { get; set; } = 7;

    /// <summary>With several nodes, how long one node's claim on a mailbox lasts without renewal (renewed every third of it).</summary>
    [Range(typeof(TimeSpan), "00:00:00.300", "01:00:00")]
    public TimeSpan MailboxLease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Longest wait before reconnecting to a mailbox that failed.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Open SMTP connections kept per server and user; that many messages go out in parallel.</summary>
    [Range(1, 256)]
    public int SmtpPoolSize { get; set; } = 4;

    /// <summary>A pooled SMTP connection idle longer than this is closed instead of reused.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan SmtpIdleTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>A pooled connection idle longer than this is checked with NOOP before a message is sent on it.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan SmtpProbeAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Time allowed to connect to a mail server.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Time allowed for one SMTP or IMAP command (a message upload included).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:30:00")]
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>Largest raw message accepted by the inbound webhook (bytes); larger ones get 413.</summary>
    [Range(1024, 200 * 1024 * 1024)]
    public long MaxInboundMessageBytes { get; set; } = 25 * 1024 * 1024;
}
