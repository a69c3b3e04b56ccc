using Hub.Server.Modules.Contacts.Api;

namespace Hub.Server.Modules.Contacts;

/// <summary>Contacts (user profiles), their identities, import and preferences.</summary>
public static class ContactsModule
{
    public static IHostApplicationBuilder AddContacts(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<UsersOptions>().Bind(builder.Configuration.GetSection(UsersOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddScoped<ContactResolver>();
        return builder;
    }

    /// <summary><c>/api/v1/contacts</c> and the spec's <c>/api/v1/users</c> (profiles, import, preferences).</summary>
    public static IEndpointRouteBuilder MapContacts(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapContactsApi();
        app.MapUsersApi();
        return app;
    }
}
