namespace Hub.Web.Features.Settings;

/// <summary>The workspace settings form: name, time zone and one opening window per weekday.</summary>
public sealed class WorkspaceForm
{
    public static readonly DayOfWeek[] Week =
        [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday, DayOfWeek.Saturday, DayOfWeek.Sunday];

    public string Name { get; set; } = "";

    public string TimeZone { get; set; } = "UTC";

    /// <summary>Off: always open (the SLA counts every hour). On: only the days ticked below, in their hours.</summary>
    public bool HasBusinessHours { get; set; }

    public Dictionary<DayOfWeek, DayHours> Days { get; } = Week.ToDictionary(d => d, d => new DayHours
    {
        Open = d is not (DayOfWeek.Saturday or DayOfWeek.Sunday),
    });

    public static WorkspaceForm From(WorkspaceDto workspace)
    {
        var form = new WorkspaceForm { Name = workspace.Name, TimeZone = workspace.TimeZone, HasBusinessHours = workspace.BusinessHours.Count > 0 };
        if (form.HasBusinessHours)
        {
            foreach (var day in Week)
            {
                var window = workspace.BusinessHours.FirstOrDefault(b => string.Equals(b.Day, day.ToString(), StringComparison.OrdinalIgnoreCase));
                form.Days[day] = window is null
                    ? new DayHours { Open = false }
                    : new DayHours { Open = true, Opens = window.Opens.ToTimeSpan(), Closes = window.Closes.ToTimeSpan() };
            }
        }

        return form;
    }

    /// <summary>The PATCH body; business hours as the API spells them (an empty list means always open).</summary>
    public object ToRequest() => new
    {
        name = Name,
        time_zone = TimeZone,
        business_hours = HasBusinessHours
            ? Week.Where(d => Days[d].Open).Select(d => new
            {
                day = d.ToString().ToLowerInvariant(),
                opens = TimeOnly.FromTimeSpan(Days[d].Opens ?? TimeSpan.Zero).ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture),
                closes = TimeOnly.FromTimeSpan(Days[d].Closes ?? TimeSpan.Zero).ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture),
            }).ToArray()
            : [],
    };

    /// <summary>The time zones a person can pick (IANA names, as the API expects).</summary>
    public static IReadOnlyList<string> Zones { get; } = [.. TimeZoneInfo.GetSystemTimeZones().Select(z => z.Id).Where(id => id.Contains('/', StringComparison.Ordinal) || id == "UTC").Order(StringComparer.Ordinal)];
}

/// <summary>One weekday's opening hours in the form.</summary>
public sealed class DayHours
{
    public bool Open { get; set; }

    public TimeSpan? Opens { get; set; } = new TimeSpan(9, 0, 0);

    public TimeSpan? Closes { get; set; } = new TimeSpan(17, 0, 0);
}
