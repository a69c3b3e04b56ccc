using Hub.Core.Events;
using Microsoft.Extensions.Time.Testing;

namespace Hub.Core.Tests.Events;

public sealed class EventEnvelopeTests
{
    [Theory]
    [InlineData("inbox.message.received")]
    [InlineData("campaign.analytics.notification_opened")]
    [InlineData("notification.user.push")]
    public void Subjects_of_the_form_domain_entity_action_are_valid(string subject) => Assert.True(EventSubject.IsValid(subject));

    [Theory]
    [InlineData("inbox.message")]
    [InlineData("Inbox.Message.Received")]
    [InlineData("inbox..received")]
    [InlineData("inbox.message.received.extra")]
    [InlineData("inbox.message.re ceived")]
    public void Other_subjects_are_refused(string subject)
    {
        Assert.False(EventSubject.IsValid(subject));
        Assert.Throws<ArgumentException>(() => EventEnvelope<int>.Create(subject, "test", TimeProvider.System, Guid.NewGuid(), null, 1));
    }

    [Fact]
    public void An_envelope_carries_version_time_tenant_and_keeps_a_given_correlation_id()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 27, 10, 0, 0, TimeSpan.Zero));
        var tenant = Guid.NewGuid();
        var envelope = EventEnvelope<string>.Create("contact.contact.created", "contacts", clock, tenant, "corr-1", "data");
        Assert.Equal("1.0", envelope.Version);
        Assert.Equal(clock.GetUtcNow(), envelope.Timestamp);
        Assert.Equal(tenant, envelope.TenantId);
        Assert.Equal("corr-1", envelope.CorrelationId);

        var fresh = EventEnvelope<string>.Create("contact.contact.created", "contacts", clock, tenant, null, "data");
        Assert.True(Guid.TryParse(fresh.CorrelationId, out _));
    }
}
