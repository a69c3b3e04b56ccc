using Hub.Core.Channels;
using Hub.Core.Inbox;
using Hub.Web.Features.Inbox;

namespace Hub.Web.Tests.Inbox;

public sealed class InboxFilterTests
{
    [Fact]
    public void Every_filter_becomes_its_query_parameter_in_the_apis_wire_names()
    {
        var filter = new InboxFilter(InboxScope.Unassigned, ConversationStatus.Pending, ChannelType.WhatsApp, "vip", "negative", "late parcel");
        Assert.Equal("api/v1/conversations?limit=30&assignee=unassigned&status=pending&channel=whats_app&label=vip&sentiment=negative&q=late%20parcel&cursor=abc%3D",
            filter.Query("abc="));
        Assert.Equal("api/v1/conversations?limit=30&status=open", new InboxFilter().Query());
        Assert.Equal("api/v1/conversations?limit=30&assignee=me", new InboxFilter(InboxScope.Mine, null).Query());
    }

    [Fact]
    public void A_live_conversation_is_admitted_only_when_it_matches_what_the_list_shows()
    {
        var me = Guid.NewGuid();
        var c = InboxData.Conversation(Guid.NewGuid(), "Ada", InboxData.T0);
        Assert.True(new InboxFilter().Admits(c, me, listed: false));
        Assert.False(new InboxFilter(InboxScope.Mine).Admits(c, me, listed: false));
        Assert.True(new InboxFilter(InboxScope.Mine).Admits(c with { AssigneeId = me }, me, listed: false));
        Assert.False(new InboxFilter(InboxScope.Unassigned).Admits(c with { AssigneeId = me }, me, listed: true));
        Assert.False(new InboxFilter().Admits(c with { Status = ConversationStatus.Resolved }, me, listed: true));
        Assert.False(new InboxFilter(Channel: ChannelType.Email).Admits(c, me, listed: false));
        Assert.True(new InboxFilter(Label: "VIP").Admits(c with { Labels = ["vip"] }, me, listed: false));
        Assert.False(new InboxFilter(Search: "refund").Admits(c, me, listed: false));
        Assert.True(new InboxFilter(Search: "refund").Admits(c, me, listed: true));
    }
}
