namespace Hub.Core.Campaigns;

/// <summary>
/// Assigns a contact to an A/B variant by its weights, the same way every time (a hash of the contact id), so a
/// re-run of the expansion after a crash puts everyone where they were. With a test cohort, contacts outside it
/// are held for the winner.
/// </summary>
public static class VariantSplit
{
    /// <summary>The reason code of rows held back until an A/B winner is chosen.</summary>
    public const string HeldForWinner = "ab_waiting_for_winner";

    /// <returns>The variant's name (null without variants) and whether the contact is held for the winner.</returns>
    public static (string? Variant, bool Held) Assign(CampaignVariants variants, Guid contactId)
    {
        ArgumentNullException.ThrowIfNull(variants);
        if (!variants.IsEnabled)
        {
            return (variants.Items.Count == 1 ? variants.Items[0].Name : null, false);
        }

        Span<byte> bytes = stackalloc byte[16];
        contactId.TryWriteBytes(bytes);
        // The tail of a version-7 id is random: one part picks the cohort, another the variant.
        var cohort = BitConverter.ToUInt32(bytes[8..12]) % 100;
        var pick = BitConverter.ToUInt32(bytes[12..16]);
        if (variants.TestPercent is { } percent && cohort >= percent)
        {
            return (null, true);
        }

        var total = variants.Items.Sum(v => Math.Max(0, v.Weight));
        if (total <= 0)
        {
            return (variants.Items[(int)(pick % (uint)variants.Items.Count)].Name, false);
        }

        var point = pick % (uint)total;
        foreach (var variant in variants.Items)
        {
            var weight = (uint)Math.Max(0, variant.Weight);
            if (point < weight)
            {
                return (variant.Name, false);
            }

            point -= weight;
        }

        return (variants.Items[^1].Name, false);
    }
}
