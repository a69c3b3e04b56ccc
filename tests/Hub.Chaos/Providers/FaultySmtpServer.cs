using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using MimeKit;

namespace Hub.Chaos.Providers;

/// <summary>What the server does with one mail transaction (one MAIL FROM … DATA attempt).</summary>
public enum SmtpFault
{
    /// <summary>250 everywhere: the message is accepted.</summary>
    Accept,

    /// <summary><c>451 4.3.0</c> to MAIL FROM (greylisting, a full queue).</summary>
    Refuse451AtMail,

    /// <summary><c>421 4.3.2</c> to RCPT TO, then the server closes the connection.</summary>
    Refuse421AtRcpt,

    /// <summary>MAIL FROM is never answered: the client has to time out.</summary>
    StallAtMail,

    /// <summary>354 to DATA, a few lines read, then the socket is closed: the message is incomplete.</summary>
    DropMidData,

    /// <summary>The whole message and its terminating dot are read, then the socket is closed before the 250.</summary>
    DropBefore250,
}

/// <summary>
/// A tiny SMTP server on a loopback port that speaks enough ESMTP for MailKit (EHLO, AUTH PLAIN/LOGIN, MAIL, RCPT,
/// DATA, RSET, NOOP, QUIT) and misbehaves on purpose. Each account (the AUTH user name, so each Hub channel) has its
/// own script: the first transactions get the listed faults, in order; every later one is accepted. It records what
/// it acknowledged with 250 after DATA, so a test can tell "marked sent" from "really accepted".
/// </summary>
public sealed class FaultySmtpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<SmtpFault>> _scripts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _alwaysRefuse = new(StringComparer.Ordinal);
    private readonly ConcurrentBag<Task> _sessions = [];
    private readonly Task _accepting;

    public FaultySmtpServer()
    {
        _listener.Start();
        _accepting = AcceptLoopAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Every MAIL FROM the server saw, per account: one per delivery attempt that reached the transaction.</summary>
    public ConcurrentQueue<(string Account, SmtpFault Fault)> Transactions { get; } = new();

    /// <summary>Messages acknowledged with 250 after DATA, per account: (Message-ID, raw message).</summary>
    public ConcurrentQueue<(string Account, string MessageId, string Raw)> Accepted { get; } = new();

    /// <summary>Messages whose whole content arrived but whose 250 was never sent (the connection was dropped).</summary>
    public ConcurrentQueue<(string Account, string MessageId)> ReceivedUnacknowledged { get; } = new();

    /// <summary>Passwords presented with AUTH, per account (to check the decrypted secret reached the server).</summary>
    public ConcurrentDictionary<string, string> Passwords { get; } = new(StringComparer.Ordinal);

    /// <summary>The first transactions of <paramref name="account"/> get these faults, in order.</summary>
    public void Script(string account, params SmtpFault[] faults) => _scripts[account] = new ConcurrentQueue<SmtpFault>(faults);

    /// <summary>While set, every transaction of <paramref name="account"/> gets a 451 at MAIL FROM.</summary>
    public void RefuseAlways(string account, bool refuse) => _alwaysRefuse[account] = refuse;

    public int TransactionsOf(string account) => Transactions.Count(t => t.Account == account);

    private SmtpFault Next(string account)
    {
        if (_alwaysRefuse.GetValueOrDefault(account))
        {
            return SmtpFault.Refuse451AtMail;
        }

        return _scripts.TryGetValue(account, out var script) && script.TryDequeue(out var fault) ? fault : SmtpFault.Accept;
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }

            _sessions.Add(Task.Run(() => SessionAsync(client)));
        }
    }

    private async Task SessionAsync(TcpClient client)
    {
        using var _ = client;
        var stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.Latin1, false, 4096, leaveOpen: true);
        await using var writer = new StreamWriter(stream, Encoding.Latin1, 4096, leaveOpen: true) { NewLine = "\r\n", AutoFlush = true };
        var account = "anonymous";
        var fault = SmtpFault.Accept;
        try
        {
            await writer.WriteLineAsync("220 faulty.test ESMTP ready");
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                var verb = line.Split(' ', 2)[0].ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO":
                        await writer.WriteLineAsync("250-faulty.test greets you");
                        await writer.WriteLineAsync("250-AUTH PLAIN LOGIN");
                        await writer.WriteLineAsync("250 8BITMIME");
                        break;
                    case "HELO":
                        await writer.WriteLineAsync("250 faulty.test");
                        break;
                    case "AUTH":
                        account = await AuthenticateAsync(line, reader, writer);
                        break;
                    case "MAIL":
                        fault = Next(account);
                        Transactions.Enqueue((account, fault));
                        if (fault == SmtpFault.Refuse451AtMail)
                        {
                            await writer.WriteLineAsync("451 4.3.0 Mailbox temporarily unavailable, try again later");
                        }
                        else if (fault == SmtpFault.StallAtMail)
                        {
                            // Never answer: swallow whatever comes until the client gives up and hangs up.
                            while (await reader.ReadLineAsync(_stop.Token) is not null)
                            {
                            }

                            return;
                        }
                        else
                        {
                            await writer.WriteLineAsync("250 2.1.0 Sender OK");
                        }

                        break;
                    case "RCPT":
                        if (fault == SmtpFault.Refuse421AtRcpt)
                        {
                            await writer.WriteLineAsync("421 4.3.2 Too busy, closing transmission channel");
                            return;
                        }

                        await writer.WriteLineAsync("250 2.1.5 Recipient OK");
                        break;
                    case "DATA":
                        await writer.WriteLineAsync("354 End data with <CR><LF>.<CR><LF>");
                        if (await ReadDataAsync(reader, account, fault, writer) is false)
                        {
                            return; // the connection is dropped
                        }

                        break;
                    case "RSET":
                        fault = SmtpFault.Accept;
                        await writer.WriteLineAsync("250 2.0.0 OK");
                        break;
                    case "NOOP":
                        await writer.WriteLineAsync("250 2.0.0 OK");
                        break;
                    case "QUIT":
                        await writer.WriteLineAsync("221 2.0.0 Bye");
                        return;
                    default:
                        await writer.WriteLineAsync("502 5.5.2 Command not recognized");
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client hung up, or the server is stopping.
        }
    }

    /// <summary>Reads DATA up to the dot; false when the fault says to drop the connection.</summary>
    private async Task<bool> ReadDataAsync(StreamReader reader, string account, SmtpFault fault, StreamWriter writer)
    {
        var raw = new StringBuilder();
        var lines = 0;
        while (await reader.ReadLineAsync(_stop.Token) is { } line)
        {
            if (line == ".")
            {
                var text = raw.ToString();
                var messageId = MessageIdOf(text);
                if (fault == SmtpFault.DropBefore250)
                {
                    ReceivedUnacknowledged.Enqueue((account, messageId));
                    return false;
                }

                await writer.WriteLineAsync($"250 2.0.0 Ok: queued as {Guid.NewGuid():N}");
                Accepted.Enqueue((account, messageId, text));
                return true;
            }

            raw.Append(line.StartsWith("..", StringComparison.Ordinal) ? line[1..] : line).Append("\r\n");
            if (fault == SmtpFault.DropMidData && ++lines == 3)
            {
                return false;
            }
        }

        return false;
    }

    private async Task<string> AuthenticateAsync(string line, StreamReader reader, StreamWriter writer)
    {
        var parts = line.Split(' ');
        var mechanism = parts.Length > 1 ? parts[1].ToUpperInvariant() : string.Empty;
        string user;
        string password;
        if (mechanism == "PLAIN")
        {
            var initial = parts.Length > 2 ? parts[2] : null;
            if (initial is null)
            {
                await writer.WriteLineAsync("334 ");
                initial = await reader.ReadLineAsync(_stop.Token) ?? string.Empty;
            }

            var fields = Encoding.UTF8.GetString(Convert.FromBase64String(initial)).Split('\0');
            user = fields[1];
            password = fields[2];
        }
        else
        {
            await writer.WriteLineAsync("334 VXNlcm5hbWU6");
            user = Encoding.UTF8.GetString(Convert.FromBase64String(await reader.ReadLineAsync(_stop.Token) ?? string.Empty));
            await writer.WriteLineAsync("334 UGFzc3dvcmQ6");
            password = Encoding.UTF8.GetString(Convert.FromBase64String(await reader.ReadLineAsync(_stop.Token) ?? string.Empty));
        }

        Passwords[user] = password;
        await writer.WriteLineAsync("235 2.7.0 Authentication successful");
        return user;
    }

    private static string MessageIdOf(string raw)
    {
        using var stream = new MemoryStream(Encoding.Latin1.GetBytes(raw));
        return MimeMessage.Load(stream).MessageId ?? string.Empty;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        await Task.WhenAll(_sessions.ToArray()).WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }
}
