using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Timeline.Api.Tests.Infrastructure;
using Timeline.Api.Exports;

namespace Timeline.Api.Tests.Exports;

public sealed class TimelineExportTests(ExportApp app) : IClassFixture<ExportApp>
{
    public static readonly TheoryData<string> Formats = ["json", "ndjson", "csv", "timelinejs", "ics", "geojson"];

    public static readonly TheoryData<string, string> FormatsAndFilters = new()
    {
        { "json", "" }, { "ndjson", "" }, { "csv", "" }, { "timelinejs", "" }, { "ics", "" }, { "geojson", "" },
        { "json", "kind=incident,policy&country=UA,LT,PL" }, { "csv", "from=2023-01-01&to=2024-06-30" },
        { "ndjson", "tag=test-export&minLevel=1&maxLevel=3" }, { "timelinejs", "includeRetracted=true&tag=test-export" },
        { "ics", "q=%D0%9A%D0%B8%D1%94%D0%B2%D0%B0" }, { "geojson", "includeRetracted=true" },
    };

    [Theory]
    [MemberData(nameof(FormatsAndFilters))]
    public async Task ExportingGivesTheSameEventsInTheSameOrderAsTheEventListPagedToTheEnd(string format, string filters)
    {
        var listed = await app.WalkEventsAsync(filters);
        var expected = format == "geojson" ? listed.Where(e => e.Location?.Lat is not null).ToList() : listed;

        var (response, body) = await app.ExportAsync($"format={format}&{filters}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var exported = ExportReaders.Read(format, body);
        Assert.NotEmpty(exported);
        Assert.Equal(expected.Select(e => e.Id), exported.Select(e => e.Id));
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task UnicodeTitlesSurviveEveryFormat(string format)
    {
        var (response, body) = await app.ExportAsync($"format={format}&tag=unicode");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        var exported = Assert.Single(ExportReaders.Read(format, body));
        Assert.Equal(ExportApp.UnicodeId, exported.Id);
        var title = format == "timelinejs" ? WebUtility.HtmlDecode(exported.Title) : exported.Title;
        Assert.Equal(ExportApp.UnicodeTitle, title);
    }

    [Fact]
    public async Task JsonExportIsATimelineDocumentWhoseEventsEqualTheEventDetail()
    {
        var (response, body) = await app.ExportAsync("tag=test-export&kind=incident");

        AssertServedAs(response, "application/json", "inline");
        var document = ExportReaders.Json(body);
        Assert.False(string.IsNullOrWhiteSpace(document.Title));
        Assert.Equal(["incident"], document.Filters.Kind!);
        Assert.Equal(["test-export"], document.Filters.Tag!);
        Assert.False(document.Filters.IncludeRetracted);
        Assert.True(document.DataVersion > 0);
        Assert.Equal(document.Events.Length, document.Count);
        Assert.True(DateTimeOffset.UtcNow - document.GeneratedAt < TimeSpan.FromHours(1));

        using var client = app.CreateClient();
        var exported = JsonNode.Parse(body)!["events"]!.AsArray().Single(e => (string?)e!["id"] == ExportApp.UnicodeId);
        var detail = JsonNode.Parse(await client.GetStringAsync($"/v1/events/{ExportApp.UnicodeId}"));
        Assert.True(JsonNode.DeepEquals(detail, exported), "the exported event is the event as GET /v1/events/{id} gives it");
    }

    [Fact]
    public async Task NdjsonExportHasOneFullEventPerLine()
    {
        var (response, body) = await app.ExportAsync("format=ndjson&tag=unicode");

        AssertServedAs(response, "application/x-ndjson", "attachment");
        var e = Assert.Single(ExportReaders.Ndjson(body));
        Assert.Equal(ExportApp.UnicodeSummary, e.Summary);
        Assert.Equal("Ми не здамося — لن نستسلم 🙂", Assert.Single(e.Quotes).Text);
        Assert.Equal("disputed", Assert.Single(e.Claims).Status);
    }

    [Fact]
    public async Task CsvExportNeutralisesFormulasAndKeepsTheDocumentedColumns()
    {
        var (response, body) = await app.ExportAsync("format=csv&tag=test-export");

        AssertServedAs(response, "text/csv", "attachment");
        var rows = ExportReaders.Csv(body);
        var formula = rows.Single(r => r["id"] == ExportApp.FormulaId);
        Assert.Equal("'" + ExportApp.FormulaTitle, formula["title"]);
        Assert.Equal("'+SUM(1,2) is not a formula here", formula["summary"]);
        Assert.Equal("'@home", formula["place"]);
        Assert.Equal("'-1 day, per the source", formula["date_note"]);
        Assert.Equal("'-rhetoric only", formula["escalation_rationale"]);
        Assert.DoesNotContain(rows.SelectMany(r => r.Values), v => v.Length > 0 && v[0] is '=' or '+' or '@' or '\t' or '\r'
            || (v.StartsWith('-') && !double.TryParse(v, System.Globalization.CultureInfo.InvariantCulture, out _)));

        var unicode = rows.Single(r => r["id"] == ExportApp.UnicodeId);
        Assert.Equal(ExportApp.UnicodeSummary, unicode["summary"]);
        Assert.Equal("2024-03-10", unicode["start_date"]);
        Assert.Equal("50.45", unicode["latitude"]);
        Assert.Equal("30.52", unicode["longitude"]);
        Assert.Contains("https://example.org/report", unicode["sources"], StringComparison.Ordinal);
        Assert.Contains("Ми не здамося", unicode["quotes"], StringComparison.Ordinal);
        Assert.EndsWith($"/v1/events/{ExportApp.UnicodeId}", unicode["url"], StringComparison.Ordinal);
        Assert.Contains("\r\n", Encoding.UTF8.GetString(body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TimelineJsExportFollowsKnightLabsFormatAtOurPrecision()
    {
        var (response, body) = await app.ExportAsync("format=timelinejs&tag=test-export");

        AssertServedAs(response, "application/json", "inline");
        var doc = ExportReaders.TimelineJs(body);
        Assert.False(string.IsNullOrWhiteSpace(doc.Title.Text.Headline));
        Assert.Equal("human", doc.Scale);
        Assert.Equal(doc.Events.Length, doc.Events.Select(e => e.UniqueId).Distinct().Count());

        Assert.Equal(TimelineJsWriter.Headline, doc.Title.Text.Headline);
        Assert.Contains(WebUtility.HtmlEncode(TimelineExport.Title), doc.Title.Text.Text, StringComparison.Ordinal);

        var day = doc.Events.Single(e => e.UniqueId == ExportApp.UnicodeId);
        Assert.Equal(new TimelineJsDate(2024, 3, 10), day.StartDate);
        Assert.Null(day.EndDate);
        Assert.Null(day.Group); // no group rows unless asked for
        Assert.Null(day.Media); // the source is linked in the text (below), not embedded through third parties
        // Short enough for a marker; the full title opens the slide text.
        Assert.Equal(TimelineJsWriter.ShortHeadline(ExportApp.UnicodeTitle), WebUtility.HtmlDecode(day.Text.Headline));
        Assert.True(WebUtility.HtmlDecode(day.Text.Headline).Length <= TimelineJsWriter.MaxHeadlineLength);
        Assert.StartsWith($"<p><strong>{ExportApp.UnicodeTitle}</strong></p>", WebUtility.HtmlDecode(day.Text.Text), StringComparison.Ordinal);
        Assert.Contains("<strong>Level 4 · Spill-over:</strong>", day.Text.Text, StringComparison.Ordinal);
        Assert.Contains("<a href=\"https://example.org/report\">Українська правда (test)</a>, 11 Mar 2024", day.Text.Text, StringComparison.Ordinal);
        // Quotes and claims are a link away, on the event's page, so the slide fits above the timeline strip.
        Assert.DoesNotContain("<blockquote>", day.Text.Text, StringComparison.Ordinal);
        Assert.Matches($"<a href=\"http://[^\"]+/#/events/{ExportApp.UnicodeId}\">1 quote and 1 claim \\(1 not confirmed\\), full sources and citation</a>", day.Text.Text);

        Assert.Equal(new TimelineJsDate(2023, 2, null), doc.Events.Single(e => e.UniqueId == ExportApp.MonthId).StartDate);
        var year = doc.Events.Single(e => e.UniqueId == ExportApp.YearId);
        Assert.Equal(new TimelineJsDate(2022, null, null), year.StartDate);
        Assert.Equal("About 2022", year.DisplayDate);
        Assert.Equal("A year-precision test event", year.Text.Headline); // short titles stay whole
        Assert.DoesNotContain("<strong>A year-precision", year.Text.Text, StringComparison.Ordinal);
        Assert.Equal(new TimelineJsDate(2024, 7, 3), doc.Events.Single(e => e.UniqueId == ExportApp.SpanId).EndDate);

        var formula = doc.Events.Single(e => e.UniqueId == ExportApp.FormulaId);
        Assert.Null(formula.Media);
        Assert.DoesNotContain("<a href=\"https://", formula.Text.Text, StringComparison.Ordinal);
        Assert.Contains("<strong>Sources:</strong> Test outlet</p>", formula.Text.Text, StringComparison.Ordinal);
        Assert.Equal(WebUtility.HtmlEncode(TimelineJsWriter.ShortHeadline(ExportApp.FormulaTitle)), formula.Text.Headline);
        Assert.StartsWith($"<p><strong>{WebUtility.HtmlEncode(ExportApp.FormulaTitle)}</strong></p>", formula.Text.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Missile falls on Przewodów, Poland, killing two", "Missile falls on Przewodów, Poland…")]
    [InlineData("Explosion damages the Crimean Bridge", "Explosion damages the Crimean Bridge")]
    [InlineData("Russia recognises the Donetsk and Luhansk 'people's republics'", "Russia recognises the Donetsk and…")]
    [InlineData("Supercalifragilisticexpialidociousandevenlongerthanthat words", "Supercalifragilisticexpialidociousa…")]
    public void HeadlinesAreCutAtAWordBoundaryToFitAMarker(string title, string headline)
    {
        Assert.Equal(headline, TimelineJsWriter.ShortHeadline(title));
        Assert.True(headline.Length <= TimelineJsWriter.MaxHeadlineLength);
    }

    [Theory]
    [InlineData("2022-11-15-przewodow-missile")]
    [InlineData("a.b_c~d")]
    [InlineData("with space/and?query&100%")]
    [InlineData("Київ-🚀")]
    public void EventUrlsEncodeTheIdAsUriEscapeDataStringDoes(string id)
    {
        var header = new ExportHeader("t", DateTimeOffset.UnixEpoch, new TimelineFilters(null, null, null, null, null, null, null, null, null, null, false), 1, "http://host");

        var url = Encoding.UTF8.GetString(header.AppendEventUrl(new Utf8Builder(), Encoding.UTF8.GetBytes(id)).Written);

        Assert.Equal($"http://host/v1/events/{Uri.EscapeDataString(id)}", url);
    }

    [Fact]
    public async Task TimelineJsGroupsByLevelWithReadableLabelsWhenAskedTo()
    {
        var (response, body) = await app.ExportAsync($"format=timelinejs&groups=level&tag=unicode");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var slide = Assert.Single(ExportReaders.TimelineJs(body).Events);
        Assert.Equal("4 · Spill-over", slide.Group);
    }

    [Fact]
    public async Task AnUnknownTimelineJsGroupingIsABadRequestNamingTheParameter()
    {
        var problem = await app.GetProblemAsync("/v1/timeline?format=timelinejs&groups=kind", HttpStatusCode.BadRequest);

        Assert.Contains("groups", problem.Errors!.Keys);
        Assert.Contains("'level'", problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IcsExportFoldsEscapesAndDatesAllDayEvents()
    {
        var (response, body) = await app.ExportAsync("format=ics&tag=test-export");

        AssertServedAs(response, "text/calendar", "attachment");
        Assert.All(ExportReaders.IcsPhysicalLines(body), line => Assert.True(line.Length <= 75, $"a line of {line.Length} octets"));
        var events = ExportReaders.Ics(body);

        var unicode = events.Single(v => v["UID"] == ExportApp.UnicodeId + "@timeline.invalid");
        Assert.Equal(ExportApp.UnicodeTitle, unicode["SUMMARY"]);
        Assert.StartsWith(ExportApp.UnicodeSummary, unicode["DESCRIPTION"], StringComparison.Ordinal);
        Assert.Equal("Київ, UA", unicode["LOCATION"]);
        Assert.Equal("50.45;30.52", unicode["GEO"]);
        Assert.Equal("20240310", unicode["DTSTART;VALUE=DATE"]);
        Assert.Equal("20240311", unicode["DTEND;VALUE=DATE"]);
        Assert.Matches("^[0-9]{8}T[0-9]{6}Z$", unicode["DTSTAMP"]);

        var month = events.Single(v => v["UID"] == ExportApp.MonthId + "@timeline.invalid");
        Assert.Equal(("20230201", "20230301"), (month["DTSTART;VALUE=DATE"], month["DTEND;VALUE=DATE"]));
        var span = events.Single(v => v["UID"] == ExportApp.SpanId + "@timeline.invalid");
        Assert.Equal(("20240701", "20240704"), (span["DTSTART;VALUE=DATE"], span["DTEND;VALUE=DATE"]));
        var year = events.Single(v => v["UID"] == ExportApp.YearId + "@timeline.invalid");
        Assert.Equal(("20220101", "20230101"), (year["DTSTART;VALUE=DATE"], year["DTEND;VALUE=DATE"]));
    }

    [Fact]
    public async Task GeoJsonExportIsAFeatureCollectionOfPointsInLongitudeLatitudeOrder()
    {
        var (response, body) = await app.ExportAsync("format=geojson&tag=test-export");

        AssertServedAs(response, "application/geo+json", "attachment");
        var collection = ExportReaders.GeoJson(body);
        Assert.Equal("FeatureCollection", collection.Type);
        Assert.Equal([ExportApp.MonthId, ExportApp.UnicodeId], collection.Features.Select(f => f.Id));
        Assert.All(collection.Features, f =>
        {
            Assert.Equal("Feature", f.Type);
            Assert.Equal("Point", f.Geometry.Type);
            Assert.Equal([f.Properties.Location!.Lon!.Value, f.Properties.Location.Lat!.Value], f.Geometry.Coordinates);
        });
        Assert.Equal([30.52, 50.45], collection.Features.Single(f => f.Id == ExportApp.UnicodeId).Geometry.Coordinates);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task RetractedEventsAreLeftOutUnlessAskedFor(string format)
    {
        var (_, without) = await app.ExportAsync($"format={format}&tag=test-export");
        var (_, with) = await app.ExportAsync($"format={format}&tag=test-export&includeRetracted=true");

        Assert.DoesNotContain(ExportReaders.Read(format, without), e => e.Id == ExportApp.RetractedId);
        Assert.Contains(ExportReaders.Read(format, with), e => e.Id == ExportApp.RetractedId);
    }

    [Theory]
    [InlineData("text/csv", "text/csv", "timeline.csv")]
    [InlineData("text/calendar", "text/calendar", "timeline.ics")]
    [InlineData("application/geo+json", "application/geo+json", "timeline.geojson")]
    [InlineData("application/x-ndjson", "application/x-ndjson", "timeline.ndjson")]
    [InlineData("*/*", "application/json", "timeline.json")]
    public async Task TheAcceptHeaderChoosesTheFormat(string accept, string mediaType, string fileName)
    {
        var (response, _) = await app.ExportAsync("tag=test-export", accept);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(fileName, response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
    }

    [Fact]
    public async Task TheFileNameNamesTheDateWindow()
    {
        var (response, _) = await app.ExportAsync("format=csv&from=2025-08-01&to=2025-08-31");

        Assert.Equal("timeline-2025-08-01-to-2025-08-31.csv", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
    }

    [Theory]
    [InlineData("format=xml", null)]
    [InlineData("format=pdf", "text/csv")]
    [InlineData("", "text/html")]
    [InlineData("", "application/xml")]
    public async Task AnUnknownFormatReturnsNotAcceptableProblemNamingTheFormats(string query, string? accept)
    {
        var (response, _) = await app.ExportAsync(query, accept);

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotAcceptable);
        foreach (var name in new[] { "json", "ndjson", "csv", "timelinejs", "ics", "geojson" })
        {
            Assert.Contains(name, problem.Detail, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AnInvalidFilterReturnsTheEventListsValidationProblem()
    {
        var (response, _) = await app.ExportAsync("format=csv&from=2025-03-01&to=2025-02-01");

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.Errors?.ContainsKey("to"), problem.Detail);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task ExportingAgainWithTheETagReturnsNotModified(string format)
    {
        using var client = app.CreateClient();
        using var first = await client.GetAsync($"/v1/timeline?format={format}");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.NotNull(first.Headers.ETag);
        Assert.NotNull(first.Content.Headers.LastModified);

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/timeline?format={format}");
        request.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        using var second = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
        Assert.Empty(await second.Content.ReadAsByteArrayAsync());
    }

    private static void AssertServedAs(HttpResponseMessage response, string mediaType, string disposition)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        Assert.Equal(disposition, response.Content.Headers.ContentDisposition?.DispositionType);
    }
}

public sealed class TimelineExportWithoutDatabaseTests(UnreachableDatabaseApp app) : IClassFixture<UnreachableDatabaseApp>
{
    [Fact]
    public async Task ExportingWhileTheDatabaseIsDownReturnsServiceUnavailableProblem()
    {
        using var client = app.CreateClient();
        using var response = await client.GetAsync("/v1/timeline?format=csv");

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.ServiceUnavailable);
        Assert.Contains("database", problem.Detail, StringComparison.OrdinalIgnoreCase);
        Assert.NotNull(response.Headers.RetryAfter);
    }
}
