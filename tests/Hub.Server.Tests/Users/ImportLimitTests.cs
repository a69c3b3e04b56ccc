using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Hub.Server.Tests.Infrastructure;

namespace Hub.Server.Tests.Users;

/// <summary>Hub with a tiny import limit (<c>Users:MaxImportBytes</c>) and small batches.</summary>
public sealed class SmallImportLimitApp : HubApp
{
    public SmallImportLimitApp()
    {
        Settings["Users:MaxImportBytes"] = "2048";
        Settings["Users:ImportBatchSize"] = "10";
    }
}

/// <summary>An import larger than <c>Users:MaxImportBytes</c> is refused with 413, whether or not its size is announced.</summary>
public sealed class ImportLimitTests(SmallImportLimitApp app) : IClassFixture<SmallImportLimitApp>
{
    [Fact]
    public async Task An_announced_body_over_the_limit_is_refused_before_anything_is_imported()
    {
        var client = await app.SignedInAsync();

        var response = await client.PostAsync("/api/v1/users/import", new StringContent(Csv("big"), Encoding.UTF8, "text/csv"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/v1/users/big-1")).StatusCode);
    }

    [Fact]
    public async Task A_streamed_body_that_grows_past_the_limit_is_stopped_with_a_report_of_what_was_imported()
    {
        var client = await app.SignedInAsync();

        var ndjson = string.Concat(Enumerable.Range(1, 300).Select(i => $"{{\"user_id\":\"chunk-{i}\"}}\n"));

        var response = await client.PostAsync("/api/v1/users/import", new UnsizedContent(ndjson, "application/x-ndjson"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var problem = await response.JsonAsync();
        var created = problem.GetProperty("report").GetProperty("created").GetInt32();
        Assert.InRange(created, 10, 100);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/users/chunk-1")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/v1/users/chunk-300")).StatusCode);
    }

    [Fact]
    public async Task A_body_within_the_limit_is_imported()
    {
        var client = await app.SignedInAsync();
        var report = await UserImportTests.ImportAsync(client, "user_id,first_name\nsmall-1,Tiny\n", "text/csv");
        Assert.Equal(1, report.GetProperty("created").GetInt32());
    }

    private static string Csv(string prefix)
    {
        var csv = new StringBuilder("user_id,first_name\n");
        for (var i = 1; i <= 300; i++)
        {
            csv.Append($"{prefix}-{i},Someone\n");
        }

        return csv.ToString();
    }

    // Sent without a Content-Length, as a streaming client would.
    private sealed class UnsizedContent : HttpContent
    {
        private readonly byte[] _bytes;

        public UnsizedContent(string text, string mediaType)
        {
            _bytes = Encoding.UTF8.GetBytes(text);
            Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            for (var at = 0; at < _bytes.Length; at += 256)
            {
                await stream.WriteAsync(_bytes.AsMemory(at, Math.Min(256, _bytes.Length - at)));
                await stream.FlushAsync();
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
