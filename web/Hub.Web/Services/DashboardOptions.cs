namespace Hub.Web.Services;

/// <summary>Settings of the dashboard (section <c>Dashboard</c>).</summary>
public sealed class DashboardOptions
{
    public const string Section = "Dashboard";

    /// <summary>
    /// Where the dashboard's circuits reach Hub's REST API and hubs. Empty: the address the browser used
    /// (fine unless a proxy in front makes that address unreachable from the server itself; then set e.g.
    /// <c>http://127.0.0.1:8080/</c>).
    /// </summary>
    public Uri? ApiBaseUrl { get; set; }
}
