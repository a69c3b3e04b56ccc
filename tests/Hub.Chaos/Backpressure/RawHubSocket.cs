using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Hub.Chaos.Backpressure;

/// <summary>
/// A bare WebSocket speaking SignalR's JSON protocol (handshake, invocations, pings), far lighter than the
/// official client: the soak holds thousands of them, and the slow-consumer test one that stops reading.
/// </summary>
public sealed class RawHubSocket : IAsyncDisposable
{
    private const char Separator = '\u001e';
    private readonly ClientWebSocket _socket = new();
    private readonly SemaphoreSlim _sending = new(1, 1);

    public WebSocketState State => _socket.State;

    public static async Task<RawHubSocket> ConnectAsync(Uri url, string token, CancellationToken cancellationToken)
    {
        var raw = new RawHubSocket();
        raw._socket.Options.SetRequestHeader("Authorization", $"Bearer {token}");
        raw._socket.Options.KeepAliveInterval = TimeSpan.Zero;
        await raw._socket.ConnectAsync(url, cancellationToken);
        await raw.SendAsync("""{"protocol":"json","version":1}""", cancellationToken);
        var handshake = new List<string>();
        await raw.ReadAsync(m => handshake.Add(m.GetRawText()), cancellationToken, stopAfterFirst: true);
        if (handshake.Count != 1 || handshake[0] != "{}")
        {
            throw new InvalidOperationException($"Handshake refused: {string.Join(' ', handshake)}");
        }

        return raw;
    }

    /// <summary>Sends one JSON message (the record separator is added).</summary>
    public async Task SendAsync(string json, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetBytes(json + Separator);
        await _sending.WaitAsync(cancellationToken);
        try
        {
            await _socket.SendAsync(bytes, WebSocketMessageType.Text, true, cancellationToken);
        }
        finally
        {
            _sending.Release();
        }
    }

    public Task PingAsync(CancellationToken cancellationToken) => SendAsync("""{"type":6}""", cancellationToken);

    /// <summary>Reads messages (each parsed) until the socket closes or <paramref name="cancellationToken"/> fires.</summary>
    public async Task ReadAsync(Action<JsonElement> onMessage, CancellationToken cancellationToken, bool stopAfterFirst = false)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        var pending = new ArrayBufferWriter<byte>();
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                var result = await _socket.ReceiveAsync(buffer, cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                pending.Write(buffer.AsSpan(0, result.Count));
                int at;
                while ((at = pending.WrittenSpan.IndexOf((byte)Separator)) >= 0)
                {
                    using (var document = JsonDocument.Parse(pending.WrittenMemory[..at]))
                    {
                        onMessage(document.RootElement);
                    }

                    var rest = pending.WrittenSpan[(at + 1)..].ToArray();
                    pending.Clear();
                    pending.Write(rest);
                    if (stopAfterFirst)
                    {
                        return;
                    }
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _socket.Abort();
        _socket.Dispose();
        _sending.Dispose();
        await Task.CompletedTask;
    }
}
