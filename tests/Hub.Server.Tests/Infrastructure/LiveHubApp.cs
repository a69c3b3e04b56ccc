using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Hub.Core.Realtime;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Server.Tests.Infrastructure;

/// <summary>
/// Hub on real loopback sockets, so SignalR clients use real WebSockets, with short typing and
/// presence timings so expiry is observable in a test.
/// </summary>
public sealed class LiveHubApp : HubApp
{
    public LiveHubApp()
    {
        UseRealSockets = true;
        Settings["Realtime:TypingTimeout"] = "00:00:01";
        Settings["Realtime:TypingDebounce"] = "00:00:00.500";
        Settings["Realtime:MessagesPerSecond"] = "20";
        Settings["Realtime:MessageBurst"] = "40";
        Settings["Realtime:SignalsPerSecond"] = "200";
        Settings["Realtime:SignalBurst"] = "400";
        Settings["Realtime:MaxReplay"] = "50";
    }

    /// <summary>An agent connection with the member JWT of <paramref name="member"/>.</summary>
    public Task<RealtimeClient> ConnectAgentAsync(HttpClient member, bool messagePack = false)
    {
        var token = member.DefaultRequestHeaders.Authorization!.Parameter!;
        return RealtimeClient.ConnectAsync(new Uri(Address!, "/hubs/agent"), token, messagePack);
    }

    /// <summary>An end-user connection for <paramref name="userId"/>, with a token minted through the API.</summary>
    public async Task<RealtimeClient> ConnectUserAsync(HttpClient admin, string userId, bool messagePack = false)
        => await RealtimeClient.ConnectAsync(new Uri(Address!, "/hubs/client"), await MintAsync(admin, userId), messagePack);

    public static async Task<string> MintAsync(HttpClient admin, string userId)
    {
        var response = await admin.PostAsJsonAsync("/api/v1/client-tokens", new { user_id = userId });
        response.EnsureSuccessStatusCode();
        return (await response.JsonAsync()).Str("token");
    }
}

[CollectionDefinition(Name)]
public sealed class LiveHubCollection : ICollectionFixture<LiveHubApp>
{
    public const string Name = "live hub";
}
