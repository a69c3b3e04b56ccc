using Hub.Server.Modules.Contacts.Api;

namespace Hub.Server.Modules.Contacts;

/// <summary>Registers the users feature: its options (validated at start).</summary>
public static class UsersExtensions
{
    public static IHostApplicationBuilder AddUsers(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<UsersOptions>().Bind(builder.Configuration.GetSection(UsersOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        return builder;
    }
}
