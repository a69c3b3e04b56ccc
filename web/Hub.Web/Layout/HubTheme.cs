using MudBlazor;

namespace Hub.Web.Layout;

/// <summary>The dashboard's palette, light and dark.</summary>
public static class HubTheme
{
    public static MudTheme Value { get; } = new()
    {
        PaletteLight = new PaletteLight { Primary = "#3559e0", Secondary = "#0f9d8a", AppbarBackground = "#1f2a44" },
        PaletteDark = new PaletteDark { Primary = "#7c9bff", Secondary = "#3fd1bd" },
    };
}
