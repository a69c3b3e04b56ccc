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

        Key = new SymmetricSecurityKey(KeyFile(environment, options.Value.SigningKeyPath));
    }

    public SymmetricSecurityKey Key { get; }

    /// <summary>
    /// A random 64-byte key kept in <paramref name="relativePath"/> under the content root: generated on first
    /// start, read back on the next. Every Hub key that may be left unconfigured (JWTs, tracking links) uses it.
    /// </summary>
    public static byte[] KeyFile(IHostEnvironment environment, string relativePath)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var path = Path.Combine(environment.ContentRootPath, relativePath);
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, Convert.ToBase64String(RandomNumberGenerator.GetBytes(64)));
        }

        return Convert.FromBase64String(File.ReadAllText(path).Trim());
    }
}
