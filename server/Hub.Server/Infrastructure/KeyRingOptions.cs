using System.Security.Cryptography.X509Certificates;

namespace Hub.Server.Infrastructure;

/// <summary>
/// The Data Protection key ring (it encrypts channel credentials and signs cookies; it lives in the database so every
/// node shares it). Bound from the <c>DataProtection</c> section. With a certificate, the keys themselves are stored
/// encrypted to it, so a copy of the database alone does not reveal channel secrets.
/// </summary>
public sealed class KeyRingOptions
{
    public const string Section = "DataProtection";

    /// <summary>A PKCS#12 (.pfx) file with a private key; empty: keys are stored unencrypted (Data Protection warns at start).</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The .pfx file's password; set it from the environment (<c>DataProtection__CertificatePassword</c>), never in a committed file.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>
    /// Older certificates (.pfx, same password) that keys already in the database were encrypted to: kept readable
    /// while new keys go to <see cref="CertificatePath"/>. Separate paths with <c>;</c>.
    /// </summary>
    public string? PreviousCertificatePaths { get; set; }

    /// <summary>The certificate to encrypt new keys to, and every certificate keys may be encrypted to; null when none is configured.</summary>
    public (X509Certificate2 Current, X509Certificate2[] All)? LoadCertificates(string contentRoot)
    {
        if (string.IsNullOrWhiteSpace(CertificatePath))
        {
            return null;
        }

        var current = Load(CertificatePath, contentRoot);
        var previous = (PreviousCertificatePaths ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => Load(p, contentRoot));
        return (current, [current, .. previous]);
    }

    private X509Certificate2 Load(string path, string contentRoot)
    {
        var full = Path.GetFullPath(path, contentRoot);
        if (!File.Exists(full))
        {
            throw new InvalidOperationException($"{Section}: the certificate file '{full}' does not exist.");
        }

        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(full, CertificatePassword, X509KeyStorageFlags.EphemeralKeySet);
        }
        catch (System.Security.Cryptography.CryptographicException ex)
        {
            throw new InvalidOperationException($"{Section}: the certificate '{full}' could not be read ({ex.Message}); check {nameof(CertificatePassword)}.", ex);
        }

        return certificate.HasPrivateKey
            ? certificate
            : throw new InvalidOperationException($"{Section}: the certificate '{full}' has no private key; keys encrypted to it could not be read back.");
    }
}
