using Hub.Web.Services;

namespace Hub.Web.Tests.Services;

public sealed class OwnServerAddressTests
{
    [Theory]
    [InlineData("http://0.0.0.0:8080", "http://127.0.0.1:8080/")]
    [InlineData("http://[::]:5080", "http://127.0.0.1:5080/")]
    [InlineData("http://+:80", "http://127.0.0.1/")]
    [InlineData("http://127.0.0.1:41234", "http://127.0.0.1:41234/")]
    [InlineData("http://localhost:5080/", "http://localhost:5080/")]
    public void Circuits_call_the_servers_own_http_address_with_wildcards_as_loopback(string bound, string expected) =>
        Assert.Equal(new Uri(expected), OwnServerAddress.Find([bound]));

    [Fact]
    public void An_https_only_server_has_no_own_http_address_so_the_browsers_is_used() =>
        Assert.Null(OwnServerAddress.Find(["https://0.0.0.0:443"]));

    [Fact]
    public void The_first_http_address_wins_over_https_ones() =>
        Assert.Equal(new Uri("http://127.0.0.1:8080/"), OwnServerAddress.Find(["https://[::]:8443", "http://0.0.0.0:8080"]));
}
