namespace Hub.Server.Tests.Infrastructure;

/// <summary>Tests that share one running Hub (one database) per store.</summary>
[CollectionDefinition(Name)]
public sealed class HubCollection : ICollectionFixture<HubApp>
{
    public const string Name = "hub";
}
