using System.Net;
using System.Net.Http.Json;
using Hub.Core.Rules;
using Hub.Server.Tests.Infrastructure;
using Hub.Server.Tests.Rules;
using Microsoft.EntityFrameworkCore;

namespace Hub.Server.Tests.Events;

/// <summary><c>/api/v1/events</c>: validation at the edge, idempotent ingestion, batches, reading events back.</summary>
public sealed class EventsApiTests : IClassFixture<RulesHub>
{
    private readonly RulesHub _hub;

    public EventsApiTests(RulesHub hub) => _hub = hub;

    [Fact]
    public async Task The_same_client_event_id_twice_is_one_event_and_the_second_answer_says_duplicate()
    {
        var tenant = await _hub.NewTenantAsync();
        var user = $"u-{Guid.NewGuid():N}";
        var body = new { event_id = "order-1001-paid", user_id = user, event_type = "payment_succeeded", event_timestamp = _hub.Clock.GetUtcNow() };
        var first = await tenant.Api.PostAsJsonAsync("/api/v1/events", body);
        var second = await tenant.Api.PostAsJsonAsync("/api/v1/events", body);
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);
        var a = await first.JsonAsync();
        var b = await second.JsonAsync();
        Assert.Equal("accepted", a.Str("status"));
        Assert.Equal("duplicate", b.Str("status"));
        Assert.Equal(a.Str("event_id"), b.Str("event_id"));
        Assert.Equal("order-1001-paid", b.Str("client_event_id"));
        Assert.Equal(1, await tenant.InAsync(db => db.Events.CountAsync(e => e.UserId == user)));

        // Another workspace may use the same client id for its own event.
        var other = await _hub.NewTenantAsync();
        var theirs = await (await other.Api.PostAsJsonAsync("/api/v1/events", body)).JsonAsync();
        Assert.Equal("accepted", theirs.Str("status"));
        Assert.NotEqual(a.Str("event_id"), theirs.Str("event_id"));
    }

    [Fact]
    public async Task Parallel_repeats_of_one_client_event_id_store_one_event()
    {
        var tenant = await _hub.NewTenantAsync();
        var user = $"u-{Guid.NewGuid():N}";
        var body = new { event_id = $"race-{Guid.NewGuid():N}", user_id = user, event_type = "clicked", event_timestamp = _hub.Clock.GetUtcNow(), user_traits = new { email = $"{user}@example.com" } };
        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(async _ => await (await tenant.Api.PostAsJsonAsync("/api/v1/events", body)).JsonAsync()));
        Assert.Single(answers.Select(a => a.Str("event_id")).Distinct());
        Assert.Single(answers, a => a.Str("status") == "accepted");
        Assert.Equal(1, await tenant.InAsync(db => db.Events.CountAsync(e => e.UserId == user)));
        Assert.Equal(1, await tenant.InAsync(db => db.Contacts.CountAsync(c => c.ExternalId == user)));
    }

    [Theory]
    [InlineData("event_timestamp", 10)]
    [InlineData("event_timestamp", -400 * 24 * 60)]
    public async Task A_timestamp_in_the_future_or_too_old_is_a_400_naming_event_timestamp(string field, int minutesFromNow)
    {
        var tenant = await _hub.NewTenantAsync();
        var response = await tenant.Api.PostAsJsonAsync("/api/v1/events",
            new { user_id = "u1", event_type = "clicked", event_timestamp = _hub.Clock.GetUtcNow().AddMinutes(minutesFromNow) });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True((await response.JsonAsync()).GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task Missing_user_bad_event_type_and_too_many_properties_are_named()
    {
        var tenant = await _hub.NewTenantAsync();
        var properties = Enumerable.Range(0, 101).ToDictionary(i => $"p{i}", i => (object)i);
        var response = await tenant.Api.PostAsJsonAsync("/api/v1/events",
            new { user_id = " ", event_type = "has space", event_timestamp = _hub.Clock.GetUtcNow(), properties });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.JsonAsync()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("user_id", out _));
        Assert.True(errors.TryGetProperty("event_type", out _));
        Assert.True(errors.TryGetProperty("properties", out _));

        var unreadable = await tenant.Api.PostAsJsonAsync("/api/v1/events", new { user_id = "u1", event_type = "x", event_timestamp = "yesterday" });
        Assert.Equal(HttpStatusCode.BadRequest, unreadable.StatusCode);
        Assert.True((await unreadable.JsonAsync()).GetProperty("errors").TryGetProperty("event_timestamp", out _));

        var huge = await tenant.Api.PostAsJsonAsync("/api/v1/events",
            new { user_id = "u1", event_type = "x", event_timestamp = _hub.Clock.GetUtcNow(), properties = new { blob = new string('x', 70_000) } });
        Assert.Equal(HttpStatusCode.BadRequest, huge.StatusCode);
        Assert.True((await huge.JsonAsync()).GetProperty("errors").TryGetProperty("properties", out _));
    }

    [Fact]
    public async Task A_batch_with_a_bad_item_stores_the_good_ones_and_reports_each_in_order()
    {
        var tenant = await _hub.NewTenantAsync();
        var user = $"u-{Guid.NewGuid():N}";
        var now = _hub.Clock.GetUtcNow();
        var response = await tenant.Api.PostAsJsonAsync("/api/v1/events/batch", new
        {
            events = new object[]
            {
                new { event_id = "b-1", user_id = user, event_type = "viewed", event_timestamp = now },
                new { user_id = user, event_type = "viewed", event_timestamp = now.AddDays(2) },
                new { event_id = "b-1", user_id = user, event_type = "viewed", event_timestamp = now },
                new { user_id = user, event_type = "viewed", event_timestamp = "not a time" },
                new { user_id = user, event_type = "viewed", event_timestamp = now, surprise = true },
                new { user_id = user, event_type = "added_to_cart", event_timestamp = now, properties = new { sku = "A1" } },
            },
        });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal(2, body.GetProperty("accepted").GetInt32());
        Assert.Equal(1, body.GetProperty("duplicates").GetInt32());
        Assert.Equal(3, body.GetProperty("rejected").GetInt32());
        var results = body.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal([0, 1, 2, 3, 4, 5], results.Select(r => r.GetProperty("index").GetInt32()));
        Assert.Equal(["accepted", "rejected", "duplicate", "rejected", "rejected", "accepted"], results.Select(r => r.Str("status")));
        Assert.Equal(results[0].Str("event_id"), results[2].Str("event_id"));
        Assert.True(results[1].GetProperty("errors").TryGetProperty("event_timestamp", out _));
        Assert.True(results[3].GetProperty("errors").TryGetProperty("event_timestamp", out _));
        Assert.True(results[4].GetProperty("errors").TryGetProperty("surprise", out _));
        Assert.Equal(2, await tenant.InAsync(db => db.Events.CountAsync(e => e.UserId == user)));

        var tooMany = await tenant.Api.PostAsJsonAsync("/api/v1/events/batch",
            new { events = Enumerable.Range(0, 1001).Select(_ => new { user_id = user, event_type = "x", event_timestamp = now }) });
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
    }

    [Fact]
    public async Task An_unknown_event_type_is_stored_and_decided_as_no_rule_matched()
    {
        var tenant = await _hub.NewTenantAsync();
        var user = $"u-{Guid.NewGuid():N}";
        var id = await tenant.EventAsync(user, "never_heard_of_it", _hub.Clock.GetUtcNow(), properties: new { a = 1 });
        var pending = await tenant.Api.GetJsonAsync($"/api/v1/events/{id}");
        Assert.Equal("pending", pending.Str("evaluation"));
        await _hub.EvaluateAsync();

        var evaluated = await tenant.Api.GetJsonAsync($"/api/v1/events/{id}");
        Assert.Equal("evaluated", evaluated.Str("evaluation"));
        Assert.Equal(1, evaluated.GetProperty("properties").GetProperty("a").GetInt32());
        var decision = Assert.Single(evaluated.GetProperty("decisions").EnumerateArray());
        Assert.Equal("no_rule_matched", decision.Str("outcome"));
        Assert.Equal("No active rule for event type never_heard_of_it.", decision.Str("reason"));

        var listed = await tenant.Api.GetJsonAsync($"/api/v1/events?user_id={user}");
        Assert.Equal(id.ToString(), Assert.Single(listed.GetProperty("items").EnumerateArray()).Str("id"));
        var other = await _hub.NewTenantAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await other.Api.GetAsync($"/api/v1/events/{id}")).StatusCode);
        Assert.Empty((await other.Api.GetJsonAsync($"/api/v1/events?user_id={user}")).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task A_new_user_is_created_from_the_valid_traits_and_an_invalid_trait_is_ignored()
    {
        var tenant = await _hub.NewTenantAsync();
        var user = $"u-{Guid.NewGuid():N}";
        await tenant.EventAsync(user, "signed_up", _hub.Clock.GetUtcNow(),
            traits: new { email = "Ana@Example.com", phone = "not-a-phone", first_name = "Ana", timezone = "Mars/Olympus", language = "fr-CA", plan = "pro" });
        var contact = await tenant.InAsync(db => db.Contacts.AsNoTracking().SingleAsync(c => c.ExternalId == user));
        Assert.Equal("ana@example.com", contact.Email);
        Assert.Null(contact.Phone);
        Assert.Null(contact.TimeZone);
        Assert.Equal("Ana", contact.FirstName);
        Assert.Equal("fr-CA", contact.Language);
        var stored = await tenant.InAsync(db => db.Events.AsNoTracking().SingleAsync(e => e.UserId == user));
        Assert.Equal(contact.Id, stored.ContactId);
        Assert.Equal(EventEvaluation.Pending, stored.Evaluation);
    }

    [Fact]
    public async Task Events_need_credentials()
    {
        var response = await _hub.App.Anonymous().PostAsJsonAsync("/api/v1/events", new { user_id = "u1", event_type = "x", event_timestamp = DateTimeOffset.UtcNow });
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
