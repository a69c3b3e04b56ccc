namespace Hub.Server.Modules.Campaigns.Tracking;

/// <summary>The open pixel: a 43-byte transparent 1×1 GIF.</summary>
public static class TrackingPixel
{
    public static readonly byte[] Gif = Convert.FromBase64String("R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==");
}
