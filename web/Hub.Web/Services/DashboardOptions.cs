namespace Hub.Web.Services;

/// <summary>Settings of the dashboard (section <c>Dashboard</c>).</summary>
public sealed class DashboardOptions
{
    public const string Section = "Dashboard";

    /// <summary>
    /// Where the dashboard's circuits reach Hub's REST API and hubs. Empty: this process's own plain-HTTP
    /// address (a wildcard bind as 127.0.0.1), else, with HTTPS only, the address the browser used.
    /// </summary>
    public Uri? ApiBaseUrl { get; set; }
}
