using MudBlazor;

namespace Hub.Web.Layout;

/// <summary>The dashboard's palette, light and dark.</summary>
public static class HubTheme
{
    public static MudTheme Value { get; } = new()
    {
        PaletteLight = new PaletteLight { Primary = "#3559e0", Secondary = "#0f7c6d", AppbarBackground = "#1f2a44", Success = "#1b7f3b", Warning = "#a35c00", Error = "#c62828", Info = "#1565c0" },
        PaletteDark = new PaletteDark { Primary = "#7c9bff", Secondary = "#3fd1bd" },
    };
}
