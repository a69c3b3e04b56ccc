using System.Collections.Concurrent;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Hub.Adapters.Email.Sending;

/// <summary>
/// Open, authenticated SMTP connections kept per (host, port, security, user) and reused across messages,
/// so a campaign of thousands doesn't pay a TCP + TLS + AUTH handshake per message. At most
/// <see cref="EmailOptions.SmtpPoolSize"/> connections per server; a caller waits for a free one. A lease is
/// exclusive (MailKit's client is not thread-safe); a connection that failed is closed, never returned.
/// </summary>
public sealed partial class SmtpConnectionPool(IOptions<EmailOptions> options, TimeProvider clock, EmailMetrics metrics, ILogger<SmtpConnectionPool> logger)
    : IAsyncDisposable, IDisposable
{
    private readonly ConcurrentDictionary<ServerKey, ServerPool> _pools = new();
    private bool _disposed;

    public async Task<SmtpLease> LeaseAsync(MailServer server, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var pool = _pools.GetOrAdd(new ServerKey(server.Host.ToLowerInvariant(), server.Port, server.Security, server.UserName),
            _ => new ServerPool(options.Value.SmtpPoolSize));
        await pool.Slots.WaitAsync(cancellationToken);
        try
        {
            while (pool.Idle.TryPop(out var idle))
            {
                if (await IsReusableAsync(idle, cancellationToken))
                {
                    return new SmtpLease(this, pool, idle.Client, reused: true);
                }

                await CloseAsync(idle.Client);
            }

            var client = await OpenAsync(server, cancellationToken);
            metrics.SmtpConnectionOpened();
            return new SmtpLease(this, pool, client, reused: false);
        }
        catch
        {
            pool.Slots.Release();
            throw;
        }
    }

    private async Task<bool> IsReusableAsync(IdleConnection idle, CancellationToken cancellationToken)
    {
        if (!idle.Client.IsConnected)
        {
            return false;
        }

        var idleFor = clock.GetUtcNow() - idle.Since;
        if (idleFor > options.Value.SmtpIdleTimeout)
        {
            return false;
        }

        if (idleFor <= options.Value.SmtpProbeAfter)
        {
            return true;
        }

        // Servers close idle sessions on their own schedule; a NOOP finds out before a message is at stake.
        try
        {
            await idle.Client.NoOpAsync(cancellationToken);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private async Task<SmtpClient> OpenAsync(MailServer server, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var client = new HubSmtpClient { Timeout = (int)o.CommandTimeout.TotalMilliseconds };
        try
        {
            using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            connectTimeout.CancelAfter(o.ConnectTimeout);
            try
            {
                await client.ConnectAsync(server.Host, server.Port, server.Security, connectTimeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"Connecting to {server.Host}:{server.Port} took longer than {o.ConnectTimeout}.");
            }

            if (server.UserName is { } user && client.Capabilities.HasFlag(SmtpCapabilities.Authentication))
            {
                await client.AuthenticateAsync(user, server.Password ?? string.Empty, cancellationToken);
            }

            LogOpened(server.ToString());
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    internal void Return(ServerPool pool, SmtpClient client, bool healthy)
    {
        if (healthy && client.IsConnected && !_disposed)
        {
            pool.Idle.Push(new IdleConnection(client, clock.GetUtcNow()));
        }
        else
        {
            _ = CloseAsync(client);
        }

        pool.Slots.Release();
    }

    private async Task CloseAsync(SmtpClient client)
    {
        metrics.SmtpConnectionClosed();
        try
        {
            if (client.IsConnected)
            {
                using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await client.DisconnectAsync(quit: true, quick.Token);
            }
        }
        catch (Exception)
        {
            // The connection is being thrown away; a failed QUIT changes nothing.
        }
        finally
        {
            client.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        foreach (var pool in _pools.Values)
        {
            while (pool.Idle.TryPop(out var idle))
            {
                await CloseAsync(idle.Client);
            }
        }
    }

    /// <summary>For containers disposed synchronously: the connections are dropped without QUIT.</summary>
    public void Dispose()
    {
        _disposed = true;
        foreach (var pool in _pools.Values)
        {
            while (pool.Idle.TryPop(out var idle))
            {
                metrics.SmtpConnectionClosed();
                idle.Client.Dispose();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Opened an SMTP connection to {Server}")]
    private partial void LogOpened(string server);

    private readonly record struct ServerKey(string Host, int Port, SecureSocketOptions Security, string? UserName);

    internal sealed record IdleConnection(SmtpClient Client, DateTimeOffset Since);

    internal sealed class ServerPool(int size)
    {
        public SemaphoreSlim Slots { get; } = new(size, size);

        public ConcurrentStack<IdleConnection> Idle { get; } = new();
    }
}

/// <summary>One exclusive use of a pooled SMTP connection; dispose it to give the connection back.</summary>
public sealed class SmtpLease : IDisposable
{
    private readonly SmtpConnectionPool _owner;
    private readonly SmtpConnectionPool.ServerPool _pool;
    private bool _returned;

    internal SmtpLease(SmtpConnectionPool owner, SmtpConnectionPool.ServerPool pool, SmtpClient client, bool reused)
    {
        _owner = owner;
        _pool = pool;
        Client = client;
        Reused = reused;
    }

    public SmtpClient Client { get; }

    /// <summary>True when the connection had carried messages before this lease.</summary>
    public bool Reused { get; }

    /// <summary>The connection must not be reused (it failed mid-conversation).</summary>
    public void MarkBroken() => Broken = true;

    public bool Broken { get; private set; }

    public void Dispose()
    {
        if (_returned)
        {
            return;
        }

        _returned = true;
        _owner.Return(_pool, Client, healthy: !Broken);
    }
}

/// <summary>An SMTP client that asks for delivery status notifications keyed by the message's own Message-ID.</summary>
internal sealed class HubSmtpClient : SmtpClient
{
    // With the DSN extension, a bounce names this ENVID, so it maps back to the message even when the
    // bouncing server returns no headers of the original.
    protected override string? GetEnvelopeId(MimeMessage message) => message.MessageId;

    protected override DeliveryStatusNotification? GetDeliveryStatusNotifications(MimeMessage message, MailboxAddress mailbox) =>
        DeliveryStatusNotification.Failure | DeliveryStatusNotification.Delay;
}
