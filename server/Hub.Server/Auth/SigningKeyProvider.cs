using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Hub.Server.Auth;

/// <summary>The key members' JWTs are signed with: configured, or generated once and kept on disk.</summary>
public sealed class SigningKeyProvider
{
    public SigningKeyProvider(IOptions<AuthOptions> options, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(environment);
        var configured = options.Value.JwtSigningKey;
        if (!string.IsNullOrEmpty(configured))
        {
            if (configured.Length < 32)
            {
                throw new OptionsValidationException(AuthOptions.Section, typeof(AuthOptions), ["Auth:JwtSigningKey must be at least 32 characters."]);
            }

            Key = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(configured));
            return;
        }

        var path = Path.Combine(environment.ContentRootPath, options.Value.SigningKeyPath);
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, Convert.ToBase64String(RandomNumberGenerator.GetBytes(64)));
        }

        Key = new SymmetricSecurityKey(Convert.FromBase64String(File.ReadAllText(path).Trim()));
    }

    public SymmetricSecurityKey Key { get; }
}
