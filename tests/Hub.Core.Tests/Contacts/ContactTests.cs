using Hub.Core.Contacts;

namespace Hub.Core.Tests.Contacts;

public sealed class ContactTests
{
    [Fact]
    public void Display_name_prefers_the_full_name_then_email_phone_and_external_id()
    {
        Assert.Equal("Ada Lovelace", new Contact { FirstName = "Ada", LastName = "Lovelace", Email = "ada@example.com" }.DisplayName);
        Assert.Equal("Ada", new Contact { FirstName = "Ada", LastName = " " }.DisplayName);
        Assert.Equal("ada@example.com", new Contact { Email = "ada@example.com", Phone = "+441234567890" }.DisplayName);
        Assert.Equal("+441234567890", new Contact { Phone = "+441234567890", ExternalId = "u1" }.DisplayName);
        Assert.Equal("u1", new Contact { ExternalId = "u1" }.DisplayName);
    }

    [Fact]
    public void New_contacts_get_time_ordered_ids()
    {
        var first = new Contact();
        Thread.Sleep(2);
        var second = new Contact();
        Assert.True(string.CompareOrdinal(first.Id.ToString(), second.Id.ToString()) < 0);
    }
}
