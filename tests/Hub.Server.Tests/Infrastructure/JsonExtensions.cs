using System.Net.Http.Json;
using System.Text.Json;

namespace Hub.Server.Tests.Infrastructure;

/// <summary>Reads API answers as loosely as a client would: by JSON field name.</summary>
public static class JsonExtensions
{
    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    public static async Task<JsonElement> GetJsonAsync(this HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        Assert.True(response.IsSuccessStatusCode, $"GET {url} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await response.JsonAsync();
    }

    public static async Task<JsonElement> PostJsonAsync(this HttpClient client, string url, object body)
    {
        var response = await client.PostAsJsonAsync(url, body);
        Assert.True(response.IsSuccessStatusCode, $"POST {url} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await response.JsonAsync();
    }

    /// <summary>Polls <c>GET /api/v1/messages/{id}</c> (up to 10 s) until <paramref name="done"/> holds for the message.</summary>
    public static async Task<JsonElement> WaitForMessageAsync(this HttpClient client, string messageId, Func<JsonElement, bool> done)
    {
        for (var i = 0; i < 100; i++)
        {
            var message = await client.GetJsonAsync($"/api/v1/messages/{messageId}");
            if (done(message))
            {
                return message;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"Message {messageId} never reached the expected state.");
    }

    public static string Str(this JsonElement element, string property) => element.GetProperty(property).GetString()!;
}
