using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Hub.Data;
using Hub.Server.Infrastructure;
using Hub.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Server.Tests.Security;

/// <summary>
/// <c>DataProtection:CertificatePath</c>: the key ring is stored encrypted to a certificate, so the database alone
/// (keys next to the ciphertext they protect) does not reveal channel secrets; a node with the certificate reads them,
/// a node without it cannot; a wrong password or a missing file stops start-up with a clear message.
/// </summary>
public sealed class KeyRingCertificateTests : IAsyncLifetime
{
    private const string Password = "pfx-test-password";
    private readonly string _pfx = Path.Combine(Path.GetTempPath(), $"hub-keyring-{Guid.NewGuid():N}.pfx");
    private readonly HubApp _app = new();

    public async Task InitializeAsync()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=Hub key ring test", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        await File.WriteAllBytesAsync(_pfx, certificate.Export(X509ContentType.Pfx, Password));
        _app.Settings["DataProtection:CertificatePath"] = _pfx;
        _app.Settings["DataProtection:CertificatePassword"] = Password;
        await _app.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await ((IAsyncLifetime)_app).DisposeAsync();
        File.Delete(_pfx);
    }

    [Fact]
    public async Task Keys_are_stored_encrypted_to_the_certificate_and_only_a_node_with_it_reads_the_channel_secrets()
    {
        var admin = await _app.SignedInAsync();
        var secret = $"mail-secret-{Guid.NewGuid():N}";
        var created = await admin.PostAsJsonAsync("/api/v1/channels", new
        {
            name = "Support mail", type = "email", provider = "smtp", address = $"support-{Guid.NewGuid():N}@acme.test",
            settings = new Dictionary<string, string> { ["smtp_host"] = "127.0.0.1", [Hub.Server.Modules.Channels.Email.EmailWebhooks.SecretSetting] = secret },
        });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        var channelId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        // In the database: every key is an encrypted envelope, no key material in the clear.
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var keys = await scope.ServiceProvider.GetRequiredService<HubDbContext>().DataProtectionKeys.AsNoTracking().Select(k => k.Xml!).ToListAsync();
            Assert.NotEmpty(keys);
            Assert.All(keys, xml =>
            {
                Assert.Contains("<encryptedSecret", xml, StringComparison.Ordinal);
                Assert.Contains("EncryptedData", xml, StringComparison.Ordinal);
                Assert.DoesNotContain("<value>", xml, StringComparison.Ordinal);
            });
        }

        // A second node with the certificate reads the secret; one without it (the database alone) does not.
        await using var withCertificate = new HubApp { SameStoreAs = _app };
        withCertificate.Settings["DataProtection:CertificatePath"] = _pfx;
        withCertificate.Settings["DataProtection:CertificatePassword"] = Password;
        await withCertificate.InitializeAsync();
        Assert.Equal(secret, await RevealAsync(withCertificate, channelId));

        await using var databaseOnly = new HubApp { SameStoreAs = _app };
        await databaseOnly.InitializeAsync();
        Assert.Null(await RevealAsync(databaseOnly, channelId));
        Assert.Contains(databaseOnly.Logs, l => l.Contains("can't be decrypted", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("wrong-password", "could not be read")]
    [InlineData(null, "does not exist")]
    public void A_wrong_password_or_a_missing_file_is_a_clear_start_up_error(string? password, string expected)
    {
        var options = new KeyRingOptions
        {
            CertificatePath = password is null ? _pfx + ".missing" : _pfx,
            CertificatePassword = password,
        };

        var error = Assert.Throws<InvalidOperationException>(() => options.LoadCertificates(Path.GetTempPath()));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.StartsWith("DataProtection:", error.Message, StringComparison.Ordinal);
    }

    private static async Task<string?> RevealAsync(HubApp app, Guid channelId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var channel = await scope.ServiceProvider.GetRequiredService<HubDbContext>().Channels.IgnoreQueryFilters().AsNoTracking().SingleAsync(c => c.Id == channelId);
        var revealed = scope.ServiceProvider.GetRequiredService<ChannelSecrets>().Reveal(channel);
        return revealed.TryGetValue(Hub.Server.Modules.Channels.Email.EmailWebhooks.SecretSetting, out var value) ? value.GetString() : null;
    }
}
