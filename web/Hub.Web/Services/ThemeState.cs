namespace Hub.Web.Services;

/// <summary>Light or dark, per circuit; the layout starts from the browser's preference.</summary>
public sealed class ThemeState
{
    public bool IsDark { get; private set; }

    public event Action? Changed;

    public void Set(bool dark)
    {
        if (IsDark != dark)
        {
            IsDark = dark;
            Changed?.Invoke();
        }
    }
}
