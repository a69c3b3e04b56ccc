using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hub.Chaos.Infrastructure;
using Hub.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Hub.Chaos.Access;

/// <summary>A Hub that locks a member out after 3 failed sign-ins for 3 seconds.</summary>
public sealed class LockoutApp : HubApp
{
    public const int MaxFailures = 3;
    public static readonly TimeSpan Duration = TimeSpan.FromSeconds(3);

    public LockoutApp()
    {
        Settings["Auth:MaxFailedAccessAttempts"] = MaxFailures.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Settings["Auth:LockoutDuration"] = Duration.ToString();
    }
}

/// <summary>
/// After N failed sign-ins the right password is refused with a clear 423 until the lockout ends, then accepted;
/// and an unknown email gets exactly the same answers, so lockout never tells a caller whether an email exists.
/// </summary>
public sealed class LockoutTests(LockoutApp app, ITestOutputHelper output) : IClassFixture<LockoutApp>
{
    private const string Password = "Right-Passw0rd-1";

    [Theory]
    [InlineData("/api/v1/auth/token")]
    [InlineData("/api/v1/auth/login")]
    public async Task The_right_password_is_refused_during_lockout_and_accepted_after_and_unknown_emails_look_the_same(string endpoint)
    {
        var admin = await app.SignedInAsync();
        var email = $"lock-{Guid.NewGuid():N}@example.com";
        var unknown = $"ghost-{Guid.NewGuid():N}@example.com";
        await admin.PostJsonAsync("/api/v1/members", new { email, display_name = "Locky", role = "agent", password = Password });
        var client = app.Anonymous();

        var known = new List<string>();
        var ghost = new List<string>();
        for (var i = 0; i < LockoutApp.MaxFailures + 1; i++)
        {
            known.Add(await AnswerAsync(client, endpoint, email, "Wrong-Passw0rd-1"));
            ghost.Add(await AnswerAsync(client, endpoint, unknown, "Wrong-Passw0rd-1"));
        }

        output.WriteLine($"{endpoint} known:   {string.Join(" | ", known)}");
        output.WriteLine($"{endpoint} unknown: {string.Join(" | ", ghost)}");
        Assert.Equal(known, ghost); // same statuses, titles and details, in the same order
        Assert.StartsWith("401", known[0], StringComparison.Ordinal);
        Assert.StartsWith("423", known[^1], StringComparison.Ordinal);

        // Locked: the right password is refused with a problem that says so.
        var during = await AnswerAsync(client, endpoint, email, Password);
        Assert.StartsWith("423", during, StringComparison.Ordinal);
        Assert.Contains("Locked out", during, StringComparison.Ordinal);
        Assert.Equal(during, await AnswerAsync(client, endpoint, unknown, Password));

        // After the lockout the right password works again.
        await Task.Delay(LockoutApp.Duration + TimeSpan.FromMilliseconds(500));
        var after = await AnswerAsync(client, endpoint, email, Password);
        Assert.StartsWith(endpoint.EndsWith("token", StringComparison.Ordinal) ? "200" : "204", after, StringComparison.Ordinal);
        Assert.StartsWith("401", await AnswerAsync(client, endpoint, unknown, Password), StringComparison.Ordinal);

        var letIn = during.StartsWith('2') ? 1 : 0;
        Assert.Equal(0, letIn);
        ChaosReport.Record(ChaosKind.Access, $"lockout after {LockoutApp.MaxFailures} failed sign-ins ({endpoint})", (known.Count * 2) + 4, "sign-ins", letIn,
            "right password refused (423) while locked, accepted after; unknown emails answer identically");
    }

    [Fact]
    public async Task The_dashboard_form_locks_out_known_and_unknown_emails_alike()
    {
        var admin = await app.SignedInAsync();
        var email = $"form-{Guid.NewGuid():N}@example.com";
        var unknown = $"ghost-{Guid.NewGuid():N}@example.com";
        await admin.PostJsonAsync("/api/v1/members", new { email, display_name = "Formy", role = "agent", password = Password });
        var form = await DashboardForm.OpenAsync(app);

        var known = new List<string>();
        var ghost = new List<string>();
        for (var i = 0; i < LockoutApp.MaxFailures + 1; i++)
        {
            known.Add(await form.SignInAsync(email, "Wrong-Passw0rd-1", "/inbox"));
            ghost.Add(await form.SignInAsync(unknown, "Wrong-Passw0rd-1", "/inbox"));
        }

        output.WriteLine($"known:   {string.Join(" | ", known)}");
        Assert.Equal(known, ghost);
        Assert.Contains("error=locked", known[^1], StringComparison.Ordinal);
        Assert.Contains("error=locked", await form.SignInAsync(email, Password, "/inbox"), StringComparison.Ordinal);
        ChaosReport.Record(ChaosKind.Access, "dashboard form lockout (known vs unknown email)", (known.Count * 2) + 1, "sign-ins", 0,
            "identical redirects; right password refused while locked");
    }

    private static async Task<string> AnswerAsync(HttpClient client, string endpoint, string email, string password)
    {
        using var response = await client.PostAsJsonAsync(endpoint, new { email, password });
        var status = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (response.IsSuccessStatusCode)
        {
            return status;
        }

        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        return $"{status} {problem.GetProperty("title").GetString()}: {problem.GetProperty("detail").GetString()}";
    }
}
