using System.Text.Json;
using Timeline.Api.Events;

namespace Timeline.Api.Exports;

/// <summary>
/// What CSV, TimelineJS and iCalendar write of an event, read from its stored document (the JSON
/// <see cref="EventRenderer"/> defines) in one pass of a Utf8JsonReader. Deserializing the whole
/// <see cref="EventDetail"/> for every row cost most of these exports' time; this reads only the fields they
/// use, skips the rest (relations, ids, languages…), and keeps text as the document's own UTF-8: a slice of
/// the document, or of a buffer of ours where JSON escaped it. One instance serves row after row, so a
/// value is good until the next <see cref="Read"/>.
/// </summary>
internal sealed class ExportEvent
{
    private ReadOnlyMemory<byte> _document;
    private byte[] _unescaped = new byte[4096];
    private int _unescapedLength;

    public ReadOnlyMemory<byte> Id { get; private set; }
    public ReadOnlyMemory<byte> Title { get; private set; }
    public ReadOnlyMemory<byte> Summary { get; private set; }
    public ReadOnlyMemory<byte> Kind { get; private set; }
    public DateOnly Start { get; private set; }
    public DateOnly? End { get; private set; }
    /// <summary>`day`, `month` or `year`: a string, as the writers compare it.</summary>
    public string Precision { get; private set; } = "day";
    public bool Approximate { get; private set; }
    public ReadOnlyMemory<byte>? DateNote { get; private set; }
    public ReadOnlyMemory<byte>? Place { get; private set; }
    public ReadOnlyMemory<byte>? Country { get; private set; }
    public double? Lat { get; private set; }
    public double? Lon { get; private set; }
    public List<ReadOnlyMemory<byte>> Tags { get; } = [];
    public int Level { get; private set; }
    public ReadOnlyMemory<byte> LevelName { get; private set; }
    public ReadOnlyMemory<byte> Rationale { get; private set; }
    /// <summary>`published` or `retracted`: a string, as the writers compare it.</summary>
    public string Status { get; private set; } = "published";
    public RetractionNotice? Retraction { get; private set; }
    public ReadOnlyMemory<byte>? WikidataQid { get; private set; }
    public int Version { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public List<Actor> Actors { get; } = [];
    public List<Source> Sources { get; } = [];
    public List<Quote> Quotes { get; } = [];
    public List<Claim> Claims { get; } = [];

    public readonly record struct RetractionNotice(ReadOnlyMemory<byte> Reason, DateTimeOffset RetractedAt);

    public readonly record struct Actor(ReadOnlyMemory<byte> Name, ReadOnlyMemory<byte> Role);

    public readonly record struct Source(ReadOnlyMemory<byte>? Outlet, ReadOnlyMemory<byte> Title, ReadOnlyMemory<byte>? Author,
        DateOnly? PublishedOn, ReadOnlyMemory<byte>? Url)
    {
        /// <summary>"Outlet: Title (2024-03-11)", as CSV and iCalendar name a source (each adds the URL its own way).</summary>
        public Utf8Builder AppendLabel(Utf8Builder to)
        {
            if (Outlet is { } outlet) to.Append(outlet.Span).Append(": "u8);
            to.Append(Title.Span);
            return PublishedOn is { } on ? to.Append(" ("u8).Append(on, "yyyy-MM-dd").Append(")"u8) : to;
        }
    }

    public readonly record struct Quote(ReadOnlyMemory<byte> Speaker, ReadOnlyMemory<byte> Text);

    public readonly record struct Claim(ReadOnlyMemory<byte> Statement, string Status, ReadOnlyMemory<byte>[] Claimants)
    {
        /// <summary>"Statement [disputed; Claimant, Claimant]", as CSV and iCalendar show a claim.</summary>
        public Utf8Builder AppendLabel(Utf8Builder to)
        {
            to.Append(Statement.Span).Append(" ["u8).Append(Status);
            for (var i = 0; i < Claimants.Length; i++)
            {
                to.Append(i == 0 ? "; "u8 : ", "u8).Append(Claimants[i].Span);
            }
            return to.Append("]"u8);
        }
    }

    /// <summary>Replaces every field with those of the next event's document.</summary>
    public void Read(ReadOnlyMemory<byte> document)
    {
        _document = document;
        _unescapedLength = 0;
        End = null;
        DateNote = Place = Country = WikidataQid = null;
        Lat = Lon = null;
        Retraction = null;
        Tags.Clear();
        Actors.Clear();
        Sources.Clear();
        Quotes.Clear();
        Claims.Clear();

        var r = new Utf8JsonReader(document.Span);
        r.Read();
        while (NextProperty(ref r))
        {
            if (r.ValueTextEquals(Names.Id)) Id = Text(ref r);
            else if (r.ValueTextEquals(Names.Title)) Title = Text(ref r);
            else if (r.ValueTextEquals(Names.Summary)) Summary = Text(ref r);
            else if (r.ValueTextEquals(Names.Kind)) Kind = Text(ref r);
            else if (r.ValueTextEquals(Names.Date)) ReadDate(ref r);
            else if (r.ValueTextEquals(Names.Location)) ReadLocation(ref r);
            else if (r.ValueTextEquals(Names.Tags)) ReadTags(ref r);
            else if (r.ValueTextEquals(Names.Escalation)) ReadEscalation(ref r);
            else if (r.ValueTextEquals(Names.Status)) Status = String(ref r);
            else if (r.ValueTextEquals(Names.Retraction)) ReadRetraction(ref r);
            else if (r.ValueTextEquals(Names.WikidataQid)) WikidataQid = NullableText(ref r);
            else if (r.ValueTextEquals(Names.Version)) Version = Int(ref r);
            else if (r.ValueTextEquals(Names.CreatedAt)) CreatedAt = Instant(ref r);
            else if (r.ValueTextEquals(Names.UpdatedAt)) UpdatedAt = Instant(ref r);
            else if (r.ValueTextEquals(Names.Actors)) ReadList(ref r, Actors, ReadActor);
            else if (r.ValueTextEquals(Names.Sources)) ReadList(ref r, Sources, ReadSource);
            else if (r.ValueTextEquals(Names.Quotes)) ReadList(ref r, Quotes, ReadQuote);
            else if (r.ValueTextEquals(Names.Claims)) ReadList(ref r, Claims, ReadClaim);
            else r.Skip();
        }
    }

    private void ReadDate(ref Utf8JsonReader r)
    {
        if (!StartObject(ref r)) return;
        while (NextProperty(ref r))
        {
            if (r.ValueTextEquals(Names.Start)) Start = Day(ref r) ?? default;
            else if (r.ValueTextEquals(Names.End)) End = Day(ref r);
            else if (r.ValueTextEquals(Names.Precision)) Precision = String(ref r);
            else if (r.ValueTextEquals(Names.Approximate)) Approximate = r.Read() && r.GetBoolean();
            else if (r.ValueTextEquals(Names.Note)) DateNote = NullableText(ref r);
            else r.Skip();
        }
    }

    private void ReadLocation(ref Utf8JsonReader r)
    {
        if (!StartObject(ref r)) return;
        while (NextProperty(ref r))
        {
            if (r.ValueTextEquals(Names.Place)) Place = NullableText(ref r);
            else if (r.ValueTextEquals(Names.Country)) Country = NullableText(ref r);
            else if (r.ValueTextEquals(Names.Lat)) Lat = NullableDouble(ref r);
            else if (r.ValueTextEquals(Names.Lon)) Lon = NullableDouble(ref r);
            else r.Skip();
        }
    }

    private void ReadTags(ref Utf8JsonReader r)
    {
        r.Read();
        while (r.Read() && r.TokenType == JsonTokenType.String)
        {
            Tags.Add(CurrentText(ref r));
        }
    }

    private void ReadEscalation(ref Utf8JsonReader r)
    {
        if (!StartObject(ref r)) return;
        while (NextProperty(ref r))
        {
            if (r.ValueTextEquals(Names.Level)) Level = Int(ref r);
            else if (r.ValueTextEquals(Names.Name)) LevelName = Text(ref r);
            else if (r.ValueTextEquals(Names.Rationale)) Rationale = Text(ref r);
            else r.Skip();
        }
    }

    private void ReadRetraction(ref Utf8JsonReader r)
    {
        ReadOnlyMemory<byte> reason = default;
        DateTimeOffset at = default;
        if (!StartObject(ref r)) return;
        while (NextProperty(ref r))
        {
            if (r.ValueTextEquals(Names.Reason)) reason = Text(ref r);
            else if (r.ValueTextEquals(Names.RetractedAt)) at = Instant(ref r);
            else r.Skip();
        }
        Retraction = new RetractionNotice(reason, at);
    }

    private Actor ReadActor(ref Utf8JsonReader r)
    {
        ReadOnlyMemory<byte> name = default, role = default;
        while (NextProperty(ref r))
        {
            if (r.ValueTextEquals(Names.Name)) name = Text(ref r);
            else if (r.ValueTextEquals(Names.Role)) role = Text(ref r);
            else r.Skip();
        }
        return new Actor(name, role);
    }

    private Source ReadSource(ref Utf8JsonReader r)
    {
        ReadOnlyMemory<byte>? outlet = null, author = null, url = null;
        ReadOnlyMemory<byte> title = default;
        DateOnly? publishedOn = null;
        while (NextProperty(ref r))
        {
            if (r.ValueTextEquals(Names.Outlet)) outlet = NullableText(ref r);
            else if (r.ValueTextEquals(Names.Title)) title = Text(ref r);
            else if (r.ValueTextEquals(Names.Author)) author = NullableText(ref r);
            else if (r.ValueTextEquals(Names.PublishedOn)) publishedOn = Day(ref r);
            else if (r.ValueTextEquals(Names.Url)) url = NullableText(ref r);
            else r.Skip();
        }
        return new Source(outlet, title, author, publishedOn, url);
    }

    private Quote ReadQuote(ref Utf8JsonReader r)
    {
        ReadOnlyMemory<byte> speaker = default, text = default;
        while (NextProperty(ref r))
        {
            if (r.ValueTextEquals(Names.Text)) text = Text(ref r);
            else if (r.ValueTextEquals(Names.Speaker))
            {
                r.Read();
                speaker = ReadActorName(ref r);
            }
            else r.Skip();
        }
        return new Quote(speaker, text);
    }

    private Claim ReadClaim(ref Utf8JsonReader r)
    {
        ReadOnlyMemory<byte> statement = default;
        var status = "";
        ReadOnlyMemory<byte>[] claimants = [];
        while (NextProperty(ref r))
        {
            if (r.ValueTextEquals(Names.Statement)) statement = Text(ref r);
            else if (r.ValueTextEquals(Names.Status)) status = String(ref r);
            else if (r.ValueTextEquals(Names.Claimants))
            {
                var names = new List<ReadOnlyMemory<byte>>();
                ReadList(ref r, names, ReadActorName);
                claimants = [.. names];
            }
            else r.Skip();
        }
        return new Claim(statement, status, claimants);
    }

    /// <summary>The name of an actor reference ({id, name}).</summary>
    private ReadOnlyMemory<byte> ReadActorName(ref Utf8JsonReader r)
    {
        ReadOnlyMemory<byte> name = default;
        while (NextProperty(ref r))
        {
            if (r.ValueTextEquals(Names.Name)) name = Text(ref r);
            else r.Skip();
        }
        return name;
    }

    private delegate T ItemReader<T>(ref Utf8JsonReader r);

    /// <summary>An array of objects, each read by <paramref name="item"/> from its start.</summary>
    private static void ReadList<T>(ref Utf8JsonReader r, List<T> list, ItemReader<T> item)
    {
        r.Read();
        while (r.Read() && r.TokenType == JsonTokenType.StartObject)
        {
            list.Add(item(ref r));
        }
    }

    /// <summary>Moves onto the value of the property: false when it is null rather than an object.</summary>
    private static bool StartObject(ref Utf8JsonReader r) => r.Read() && r.TokenType == JsonTokenType.StartObject;

    /// <summary>Moves to the next property name of the current object; false at its end.</summary>
    private static bool NextProperty(ref Utf8JsonReader r) => r.Read() && r.TokenType == JsonTokenType.PropertyName;

    // The value readers below stand on a property name and move onto its value.

    private ReadOnlyMemory<byte> Text(ref Utf8JsonReader r) => NullableText(ref r) ?? default;

    private ReadOnlyMemory<byte>? NullableText(ref Utf8JsonReader r)
    {
        // Not `cond ? text : null`: that null would become an empty ReadOnlyMemory (through its conversion from byte[]).
        if (r.Read() && r.TokenType == JsonTokenType.String) return CurrentText(ref r);
        return null;
    }

    /// <summary>The string the reader stands on, as UTF-8: where the document has it as it is, a slice of the document.</summary>
    private ReadOnlyMemory<byte> CurrentText(ref Utf8JsonReader r)
    {
        if (!r.ValueIsEscaped)
        {
            return _document.Slice((int)r.TokenStartIndex + 1, r.ValueSpan.Length); // after the opening quote
        }
        // An escape (a quote, a backslash, a line break…): unescaped into our buffer, never longer than the escaped text.
        if (_unescaped.Length - _unescapedLength < r.ValueSpan.Length)
        {
            // A new buffer: the values already read keep the old one.
            _unescaped = new byte[Math.Max(r.ValueSpan.Length, _unescaped.Length * 2)];
            _unescapedLength = 0;
        }
        var length = r.CopyString(_unescaped.AsSpan(_unescapedLength));
        var text = _unescaped.AsMemory(_unescapedLength, length);
        _unescapedLength += length;
        return text;
    }

    private static string String(ref Utf8JsonReader r) => r.Read() ? r.GetString() ?? "" : "";
    private static int Int(ref Utf8JsonReader r) => r.Read() ? r.GetInt32() : 0;
    private static double? NullableDouble(ref Utf8JsonReader r) => r.Read() && r.TokenType == JsonTokenType.Number ? r.GetDouble() : null;
    private static DateTimeOffset Instant(ref Utf8JsonReader r) => r.Read() ? r.GetDateTimeOffset() : default;
    private static DateOnly? Day(ref Utf8JsonReader r) =>
        r.Read() && r.TokenType == JsonTokenType.String ? DateOnly.FromDateTime(r.GetDateTime()) : null;

    /// <summary>The document's property names this reads: the camelCase of the contract records' properties (EventContracts.cs).</summary>
    private static class Names
    {
        public static ReadOnlySpan<byte> Id => "id"u8;
        public static ReadOnlySpan<byte> Title => "title"u8;
        public static ReadOnlySpan<byte> Summary => "summary"u8;
        public static ReadOnlySpan<byte> Kind => "kind"u8;
        public static ReadOnlySpan<byte> Date => "date"u8;
        public static ReadOnlySpan<byte> Start => "start"u8;
        public static ReadOnlySpan<byte> End => "end"u8;
        public static ReadOnlySpan<byte> Precision => "precision"u8;
        public static ReadOnlySpan<byte> Approximate => "approximate"u8;
        public static ReadOnlySpan<byte> Note => "note"u8;
        public static ReadOnlySpan<byte> Location => "location"u8;
        public static ReadOnlySpan<byte> Place => "place"u8;
        public static ReadOnlySpan<byte> Country => "country"u8;
        public static ReadOnlySpan<byte> Lat => "lat"u8;
        public static ReadOnlySpan<byte> Lon => "lon"u8;
        public static ReadOnlySpan<byte> Tags => "tags"u8;
        public static ReadOnlySpan<byte> Escalation => "escalation"u8;
        public static ReadOnlySpan<byte> Level => "level"u8;
        public static ReadOnlySpan<byte> Name => "name"u8;
        public static ReadOnlySpan<byte> Rationale => "rationale"u8;
        public static ReadOnlySpan<byte> Status => "status"u8;
        public static ReadOnlySpan<byte> Retraction => "retraction"u8;
        public static ReadOnlySpan<byte> Reason => "reason"u8;
        public static ReadOnlySpan<byte> RetractedAt => "retractedAt"u8;
        public static ReadOnlySpan<byte> WikidataQid => "wikidataQid"u8;
        public static ReadOnlySpan<byte> Version => "version"u8;
        public static ReadOnlySpan<byte> CreatedAt => "createdAt"u8;
        public static ReadOnlySpan<byte> UpdatedAt => "updatedAt"u8;
        public static ReadOnlySpan<byte> Actors => "actors"u8;
        public static ReadOnlySpan<byte> Role => "role"u8;
        public static ReadOnlySpan<byte> Sources => "sources"u8;
        public static ReadOnlySpan<byte> Outlet => "outlet"u8;
        public static ReadOnlySpan<byte> Author => "author"u8;
        public static ReadOnlySpan<byte> PublishedOn => "publishedOn"u8;
        public static ReadOnlySpan<byte> Url => "url"u8;
        public static ReadOnlySpan<byte> Quotes => "quotes"u8;
        public static ReadOnlySpan<byte> Text => "text"u8;
        public static ReadOnlySpan<byte> Speaker => "speaker"u8;
        public static ReadOnlySpan<byte> Claims => "claims"u8;
        public static ReadOnlySpan<byte> Statement => "statement"u8;
        public static ReadOnlySpan<byte> Claimants => "claimants"u8;
    }
}
