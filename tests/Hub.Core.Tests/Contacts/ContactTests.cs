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
        // A version 7 id starts with its creation time in Unix milliseconds, so ids sort (as text and in the database)
        // in the order the contacts were made; checked on the id itself rather than by waiting a millisecond between two.
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var contact = new Contact();
        var after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var hex = contact.Id.ToString("N");
        Assert.Equal('7', hex[12]);
        Assert.InRange(Convert.ToInt64(hex[..12], 16), before, after);
    }
}
