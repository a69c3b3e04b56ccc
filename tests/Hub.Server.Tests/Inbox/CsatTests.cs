using System.Net;
using System.Net.Http.Json;
using Hub.Core.Analytics;
using Hub.Core.Channels;
using Hub.Core.Contacts;
using Hub.Core.Inbox;
using Hub.Core.Realtime;
using Hub.Server.Auth;
using Hub.Server.Modules.Inbox;
using Hub.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Server.Tests.Inbox;

/// <summary>The CSAT survey after resolution: asked once on the conversation's channel, answered by a lone score.</summary>
public sealed class CsatTests(CsatApp app) : IClassFixture<CsatApp>
{
    private const string Question = "How did we do? Reply with a number from 1 (poor) to 5 (great).";

    private static InboundMessage Sms(Guid workspace, string from, string body) =>
        InboundThreadingTests.Text(workspace, ChannelType.Sms, from, CsatApp.SmsNumber, body);

    private static string NewPhone() => $"+1555{Random.Shared.Next(1000000, 9999999)}";

    private static Task Resolve(HttpClient admin, Guid conversation) => Patch(admin, conversation, "resolved");

    private static async Task Patch(HttpClient admin, Guid conversation, string status)
    {
        var response = await admin.PatchAsJsonAsync($"/api/v1/conversations/{conversation}", new { status });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Resolving_an_sms_conversation_queues_one_survey_and_a_digit_reply_is_the_score_without_reopening()
    {
        var (admin, workspace, member) = await app.TenantAsync();
        var phone = NewPhone();
        var first = await app.ReceiveAsync(Sms(workspace, phone, "My card is broken"));
        await admin.PostAsJsonAsync($"/api/v1/conversations/{first.ConversationId}/assign", new { assignee_id = member });

        await Resolve(admin, first.ConversationId);
        await Patch(admin, first.ConversationId, "open");
        await Resolve(admin, first.ConversationId); // resolved again while the survey is open: nothing new is asked

        var question = Assert.Single(await app.QuestionsAsync(workspace, first.ConversationId));
        Assert.Equal((ChannelType.Sms, Question), (question.Channel, question.Text));
        var survey = Assert.Single(await app.SurveysAsync(workspace, first.ConversationId));
        Assert.Equal((member, question.MessageId, (int?)null), (survey.AgentId, survey.QuestionMessageId, survey.Score));
        await app.DeliverAsync();
        Assert.Contains(app.Sender.Envelopes, e => e.MessageId == question.MessageId && e.Channel == ChannelType.Sms && e.Text == Question);

        var reply = await app.ReceiveAsync(Sms(workspace, phone, " 4 "));

        Assert.Equal(first.ConversationId, reply.ConversationId);
        var conversation = await app.ConversationAsync(workspace, first.ConversationId);
        Assert.Equal(ConversationStatus.Resolved, conversation.Status);
        Assert.NotNull(conversation.ResolvedAt);
        survey = Assert.Single(await app.SurveysAsync(workspace, first.ConversationId));
        Assert.Equal((4, reply.MessageId), (survey.Score, survey.ResponseMessageId));
        Assert.True(await app.InAsync(workspace, db => db.Messages.AnyAsync(m => m.Id == reply.MessageId && m.ConversationId == first.ConversationId && m.Text == " 4 ")));
        var recorded = Assert.Single(await app.InAsync(workspace, db => db.AnalyticsEvents.AsNoTracking()
            .Where(e => e.EventType == AnalyticsEventTypes.CsatResponse && e.UserId == conversation.ContactId.ToString()).ToListAsync()));
        Assert.Equal(("inbox.analytics", "inbox.analytics.csat_response", "hub.inbox", 4.0), (recorded.Family, recorded.Subject, recorded.Source, recorded.Value));
        Assert.Equal(first.ConversationId, recorded.Data["conversation_id"].GetGuid());
        Assert.Equal(member, recorded.Data["agent_id"].GetGuid());
        Assert.False(string.IsNullOrEmpty(recorded.CorrelationId));

        // Answered: a second digit is just a message (a new conversation, as any SMS after resolution), not a second score.
        await app.ReceiveAsync(Sms(workspace, phone, "5"));
        Assert.Equal(4, Assert.Single(await app.SurveysAsync(workspace, first.ConversationId)).Score);
    }

    [Fact]
    public async Task Resolving_a_web_chat_conversation_asks_in_the_chat_and_the_visitors_score_keeps_it_resolved()
    {
        var (admin, workspace, _) = await app.TenantAsync();
        var userId = $"visitor-{Guid.NewGuid():N}";
        var contactId = (await admin.PostJsonAsync("/api/v1/contacts", new { external_id = userId })).GetProperty("id").GetGuid();
        async Task<SendMessageResult> VisitorSays(string text)
        {
            await using var scope = app.Scope();
            scope.ServiceProvider.GetRequiredService<ScopedWorkspaceContext>().Use(workspace);
            return await scope.ServiceProvider.GetRequiredService<ConversationMessaging>()
                .SendFromEndUserAsync(workspace, contactId, userId, null, new SendMessageRequest(null, text), CancellationToken.None);
        }

        var first = await VisitorSays("Where is my parcel?");
        await Resolve(admin, first.ConversationId);

        // Asked in the chat itself (a live message), not through the outbox.
        var asked = await app.InAsync(workspace, db => db.Messages.AsNoTracking()
            .Where(m => m.ConversationId == first.ConversationId && m.SenderType == SenderType.System).ToListAsync());
        var question = Assert.Single(asked);
        Assert.Equal((ChannelType.Chat, MessageDirection.Outbound, Question), (question.ChannelType, question.Direction, question.Text));
        Assert.Empty(await app.QuestionsAsync(workspace, first.ConversationId));

        var reply = await VisitorSays("5");
        Assert.Equal(first.ConversationId, reply.ConversationId);
        Assert.Equal(5, Assert.Single(await app.SurveysAsync(workspace, first.ConversationId)).Score);
        Assert.Equal(ConversationStatus.Resolved, (await app.ConversationAsync(workspace, first.ConversationId)).Status);

        // Anything after the score is a new message that reopens the chat as usual.
        var after = await VisitorSays("One more thing");
        Assert.Equal(ConversationStatus.Open, (await app.ConversationAsync(workspace, after.ConversationId)).Status);
    }

    [Fact]
    public async Task Resolving_an_email_conversation_emails_the_survey_in_the_thread_and_takes_a_score_reply()
    {
        var (admin, workspace, _) = await app.TenantAsync();
        var from = $"csat-{Guid.NewGuid():N}@example.com";
        var first = await app.ReceiveAsync(InboundThreadingTests.Email(workspace, from, "Order 1234", $"<{Guid.NewGuid():N}@x>"));

        await Resolve(admin, first.ConversationId);

        var question = Assert.Single(await app.QuestionsAsync(workspace, first.ConversationId));
        Assert.Equal((ChannelType.Email, Question, "Re: Order 1234"), (question.Channel, question.Text, question.Subject));
        var reply = InboundThreadingTests.Email(workspace, from, "Re: Order 1234", $"<{Guid.NewGuid():N}@x>") with
        {
            Text = "5 stars\n\nOn Mon, 2 Mar 2026 Acme wrote:\n> How did we do? Reply with a number from 1 (poor) to 5 (great).",
        };
        var answered = await app.ReceiveAsync(reply);

        Assert.Equal(first.ConversationId, answered.ConversationId);
        Assert.Equal(ConversationStatus.Resolved, (await app.ConversationAsync(workspace, first.ConversationId)).Status);
        Assert.Equal(5, Assert.Single(await app.SurveysAsync(workspace, first.ConversationId)).Score);
    }

    [Fact]
    public async Task A_reply_that_is_not_a_score_reopens_the_conversation_and_ends_the_survey()
    {
        var (admin, workspace, _) = await app.TenantAsync();
        var phone = NewPhone();
        var first = await app.ReceiveAsync(Sms(workspace, phone, "Where is my parcel?"));
        await Resolve(admin, first.ConversationId);

        var reply = await app.ReceiveAsync(Sms(workspace, phone, "5 days and still nothing"));

        Assert.Equal(first.ConversationId, reply.ConversationId);
        Assert.Equal(ConversationStatus.Open, (await app.ConversationAsync(workspace, first.ConversationId)).Status);
        var survey = Assert.Single(await app.SurveysAsync(workspace, first.ConversationId));
        Assert.Null(survey.Score);
        Assert.NotNull(survey.ClosedAt);
        Assert.False(await app.InAsync(workspace, db => db.AnalyticsEvents.AnyAsync(e => e.EventType == AnalyticsEventTypes.CsatResponse)));

        // The survey ended, so resolving again asks again.
        await Resolve(admin, first.ConversationId);
        Assert.Equal(2, (await app.QuestionsAsync(workspace, first.ConversationId)).Count);
        Assert.Equal(2, (await app.SurveysAsync(workspace, first.ConversationId)).Count);
    }

    [Fact]
    public async Task A_conversation_without_a_customer_message_gets_no_survey()
    {
        var (admin, workspace, _) = await app.TenantAsync();
        var contact = await app.InAsync(workspace, async db =>
        {
            var c = new Contact { Phone = NewPhone() };
            db.Contacts.Add(c);
            await db.SaveChangesAsync();
            return c.Id;
        });
        var created = await admin.PostJsonAsync("/api/v1/conversations", new { contact_id = contact, channel = "sms" });
        var id = Guid.Parse(created.Str("id"));

        await Resolve(admin, id);

        Assert.Empty(await app.QuestionsAsync(workspace, id));
        Assert.Empty(await app.SurveysAsync(workspace, id));
    }

    [Fact]
    public async Task A_score_from_the_same_number_in_another_workspace_does_not_answer_the_survey()
    {
        var (admin, workspace, _) = await app.TenantAsync();
        var (_, otherWorkspace, _) = await app.TenantAsync();
        var phone = NewPhone();
        var first = await app.ReceiveAsync(Sms(workspace, phone, "Help"));
        await Resolve(admin, first.ConversationId);

        var elsewhere = await app.ReceiveAsync(Sms(otherWorkspace, phone, "5"));

        Assert.NotEqual(first.ConversationId, elsewhere.ConversationId);
        Assert.Null(Assert.Single(await app.SurveysAsync(workspace, first.ConversationId)).Score);
        Assert.Empty(await app.InAsync(otherWorkspace, db => db.CsatSurveys.ToListAsync()));
    }

    [Theory]
    [InlineData("5", 5)]
    [InlineData(" 4 ", 4)]
    [InlineData("4/5", 4)]
    [InlineData("3.", 3)]
    [InlineData("1!", 1)]
    [InlineData("5 stars", 5)]
    [InlineData("2\n\nOn Tue, Acme wrote:\n> How did we do?", 2)]
    [InlineData("0", null)]
    [InlineData("6", null)]
    [InlineData("10", null)]
    [InlineData("2.5", null)]
    [InlineData("5 but it was slow", null)]
    [InlineData("thanks", null)]
    [InlineData("", null)]
    public void A_score_is_a_lone_digit_from_1_to_5(string text, int? score) => Assert.Equal(score, CsatScore.Parse(text));
}

/// <summary>CSAT off (the default): resolving asks nothing.</summary>
public sealed class CsatDisabledTests(CsatOffApp app) : IClassFixture<CsatOffApp>
{
    [Fact]
    public async Task With_csat_disabled_resolving_sends_no_survey()
    {
        var (admin, workspace, _) = await app.TenantAsync();
        var first = await app.ReceiveAsync(InboundThreadingTests.Text(workspace, ChannelType.Sms, "+15557654321", CsatApp.SmsNumber, "Hello"));

        var response = await admin.PatchAsJsonAsync($"/api/v1/conversations/{first.ConversationId}", new { status = "resolved" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(await app.QuestionsAsync(workspace, first.ConversationId));
        Assert.Empty(await app.SurveysAsync(workspace, first.ConversationId));
        var reply = await app.ReceiveAsync(InboundThreadingTests.Text(workspace, ChannelType.Sms, "+15557654321", CsatApp.SmsNumber, "5"));
        Assert.NotEqual(first.ConversationId, reply.ConversationId); // no survey waits: a new conversation, as before
    }
}
