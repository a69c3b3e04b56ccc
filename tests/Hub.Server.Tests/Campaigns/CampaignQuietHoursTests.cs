using Hub.Core.Campaigns;
using Hub.Core.Notifications;

namespace Hub.Server.Tests.Campaigns;

/// <summary>
/// Quiet hours in the recipient's own zone, on a clock the test moves: the deferral is checked against the exact
/// end of the quiet window, and the test steps over the window instead of waiting it out.
/// </summary>
public sealed class CampaignQuietHoursTests(CampaignClockApp app) : IClassFixture<CampaignClockApp>
{
    [Fact]
    public async Task A_recipient_in_quiet_hours_is_deferred_to_their_end_then_sent()
    {
        var (admin, templateId) = await app.WorkspaceAsync();
        var tag = $"q{Guid.NewGuid():N}"[..10];
        var sleeper = await CampaignTestApp.ContactAsync(admin, new { email = $"{tag}-sleep@example.com", timezone = "Asia/Tokyo", attributes = new { tag } });
        var awake = await CampaignTestApp.ContactAsync(admin, new { email = $"{tag}-awake@example.com", attributes = new { tag } });
        var tokyo = TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo");
        var localNow = TimeZoneInfo.ConvertTime(app.Clock.GetUtcNow(), tokyo);
        var quietStart = TimeOnly.FromDateTime(localNow.DateTime).AddHours(-1);
        // Whole minutes, as a person sets quiet hours; two hours on, so the window is still open after the first turn.
        var quietEnd = new TimeOnly(localNow.Hour, localNow.Minute).AddHours(2);
        await app.WithContactWorkspaceAsync(sleeper, db =>
        {
            db.NotificationPreferences.Add(new NotificationPreferences
            {
                ContactId = sleeper, QuietHoursEnabled = true, QuietHoursStart = quietStart, QuietHoursEnd = quietEnd,
            });
            return Task.CompletedTask;
        });

        var id = await CampaignTestApp.CampaignAsync(admin, CampaignRunnerTests.EmailCampaign(templateId, tag));
        await CampaignTrackingTests.StartAsync(admin, id);
        // Turns of no length: a turn ends when its slice of Hub's clock is used up, and this clock only moves when told.
        var first = await app.RunAsync(id, TimeSpan.Zero);
        var ledger = (await app.LedgerAsync(id)).ToDictionary(r => r.ContactId);
        Assert.Equal(RecipientState.Queued, ledger[awake].State);
        Assert.Equal((RecipientState.Deferred, SkipReasons.QuietHoursDeferred), (ledger[sleeper].State, ledger[sleeper].Reason));
        var endsAt = new DateTimeOffset(localNow.Date.Add(quietEnd.ToTimeSpan()), localNow.Offset);
        endsAt = (endsAt < localNow ? endsAt.AddDays(1) : endsAt).ToUniversalTime(); // Hub's clock reads UTC
        Assert.Equal(endsAt.ToUniversalTime(), ledger[sleeper].NotBefore!.Value.ToUniversalTime());
        Assert.False(first.Finished);

        // Still quiet a minute before the end: the turn leaves the sleeper deferred.
        app.Clock.SetUtcNow(endsAt.AddMinutes(-1));
        Assert.False((await app.RunAsync(id, TimeSpan.Zero)).Finished);
        Assert.Equal(RecipientState.Deferred, (await app.LedgerAsync(id)).Single(r => r.ContactId == sleeper).State);

        app.Clock.SetUtcNow(endsAt.AddSeconds(1));
        var second = await app.RunAsync(id, TimeSpan.Zero); // queues the sleeper
        var third = await app.RunAsync(id, TimeSpan.Zero);  // finds nothing left and finishes
        Assert.Equal(1, second.Queued);
        Assert.True(second.Finished || third.Finished);
        var after = (await app.LedgerAsync(id)).ToDictionary(r => r.ContactId);
        Assert.Equal(RecipientState.Queued, after[sleeper].State);
        Assert.NotNull(after[sleeper].MessageId);
    }
}
