using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Timeline.Api.Citations;
using Timeline.Api.Events;
using Timeline.Api.Exports;
using Timeline.Api.Tests.Exports;
using Timeline.Api.Tests.Infrastructure;

namespace Timeline.Api.Tests.Citations;

/// <summary>GET /v1/events/{id}/citation over the curated set and the export test events (precisions, a URL, a retraction).</summary>
public sealed class CitationTests(ExportApp app) : IClassFixture<ExportApp>
{
    private const string Przewodow = "2022-11-15-przewodow-missile";

    [Fact]
    public async Task PlainTextCitationGivesTitleDateDatasetVersionPermalinkAccessDateAndSources()
    {
        var e = await app.GetJsonAsync<EventDetail>($"/v1/events/{Przewodow}");
        var (response, body) = await GetAsync($"/v1/events/{Przewodow}/citation");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        var today = DateTime.UtcNow.ToString("d MMMM yyyy", System.Globalization.CultureInfo.InvariantCulture);
        var expected =
            $"“Missile falls on Przewodów, Poland, killing two.” 15 November 2022. In: {TimelineExport.Title} (Timeline API), " +
            $"event {Przewodow}, version {e.Version}. http://localhost/#/events/{Przewodow} (accessed {today}).\n" +
            "\nSources:\n" +
            "[1] Chancellery of the President of the Republic of Poland: [Statement by President Andrzej Duda on the explosion in Przewodów], 16 November 2022.\n" +
            "[2] NATO: [Press conference by the NATO Secretary General following the explosion in Przewodów, Poland], 16 November 2022.\n" +
            "[3] [Report on Lavrov's TASS interview accusing Kyiv of trying to draw NATO into the war].\n" +
            "[4] TASS: [Lavrov: the Kiev regime is trying to drag the US and NATO deeper into the conflict (interview with TASS)], 27 December 2022. " +
            "https://tass.com/politics/1556181 (link checked 29 November 2026)\n";
        Assert.Equal(expected, body);
        Assert.Equal(e.Sources.Select(s => s.Title), e.Sources.Select(s => s.Title).Where(body.Contains)); // every source, in order
    }

    [Theory]
    [InlineData("format=csl", null)]
    [InlineData("", CitationEndpoints.CslJson)]
    [InlineData("", "application/json")]
    public async Task CslJsonIsOneDatasetItemWithTheDateAtItsPrecision(string query, string? accept)
    {
        var e = await app.GetJsonAsync<EventDetail>($"/v1/events/{Przewodow}");
        var (response, body) = await GetAsync($"/v1/events/{Przewodow}/citation?{query}", accept);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(CitationEndpoints.CslJson, response.Content.Headers.ContentType?.MediaType);
        var item = Assert.Single(JsonSerializer.Deserialize<CslItem[]>(body, TimelineApp.Strict)!);
        Assert.Equal(Przewodow, item.Id);
        Assert.Equal("dataset", item.Type);
        Assert.Equal("Missile falls on Przewodów, Poland, killing two", item.Title);
        Assert.Equal(TimelineExport.Title, item.ContainerTitle);
        Assert.Equal("Timeline API", item.Publisher);
        Assert.Equal(e.Version.ToString(System.Globalization.CultureInfo.InvariantCulture), item.Version);
        Assert.Equal([[2022, 11, 15]], item.EventDate.DateParts);
        Assert.Null(item.EventDate.Circa);
        Assert.Equal([[e.UpdatedAt.UtcDateTime.Year, e.UpdatedAt.UtcDateTime.Month, e.UpdatedAt.UtcDateTime.Day]], item.Issued.DateParts);
        var today = DateTime.UtcNow;
        Assert.Equal([[today.Year, today.Month, today.Day]], item.Accessed.DateParts);
        Assert.Equal($"http://localhost/#/events/{Przewodow}", item.Url);
        Assert.Equal(e.Summary, item.Abstract);
        Assert.StartsWith("Sources:\n[1] Chancellery of the President of the Republic of Poland: ", item.Note, StringComparison.Ordinal);
        Assert.Equal(e.Sources.Length, item.Note!.Split('\n').Length - 1);
        Assert.Null(item.Status);
        Assert.Contains("Przewodów", body, StringComparison.Ordinal); // readable UTF-8, not \u escapes
    }

    [Theory]
    [InlineData(ExportApp.MonthId, "February 2023", "[[2023,2]]", null)]
    [InlineData(ExportApp.YearId, "c. 2022", "[[2022]]", true)]
    [InlineData(ExportApp.SpanId, "1–3 July 2024", "[[2024,7,1],[2024,7,3]]", null)]
    public async Task DatesAreCitedAsPreciselyAsTheyAreKnownAndNoMore(string id, string text, string dateParts, bool? circa)
    {
        var (_, plain) = await GetAsync($"/v1/events/{id}/citation");
        var (_, csl) = await GetAsync($"/v1/events/{id}/citation?format=csl");

        Assert.Contains($".” {text}. In: ", plain, StringComparison.Ordinal);
        var item = Assert.Single(JsonSerializer.Deserialize<CslItem[]>(csl, TimelineApp.Strict)!);
        Assert.Equal(dateParts, JsonSerializer.Serialize(item.EventDate.DateParts));
        Assert.Equal(circa, item.EventDate.Circa);
    }

    [Fact]
    public async Task SourceUrlsAppearOnlyWhereKnownAndRetractionsAreCited()
    {
        var (_, withUrl) = await GetAsync($"/v1/events/{ExportApp.UnicodeId}/citation");
        Assert.EndsWith("\n\nSources:\n[1] Українська правда (test): Звіт — تقرير 📰, 11 March 2024. https://example.org/report\n", withUrl, StringComparison.Ordinal);

        var (_, withoutUrl) = await GetAsync($"/v1/events/{ExportApp.FormulaId}/citation");
        Assert.EndsWith("\n\nSources:\n[1] Test outlet: A source without a known URL.\n", withoutUrl, StringComparison.Ordinal);
        Assert.DoesNotContain("http", withoutUrl.Split("Sources:")[1], StringComparison.Ordinal);

        var (_, retracted) = await GetAsync($"/v1/events/{ExportApp.RetractedId}/citation");
        Assert.Contains("\nRetracted on ", retracted, StringComparison.Ordinal);
        Assert.Contains(": No such incident: the report was wrong.\n", retracted, StringComparison.Ordinal);
        var (_, csl) = await GetAsync($"/v1/events/{ExportApp.RetractedId}/citation?format=csl");
        Assert.Equal("retracted", Assert.Single(JsonSerializer.Deserialize<CslItem[]>(csl, TimelineApp.Strict)!).Status);
    }

    [Fact]
    public async Task UnknownEventIsA404Problem()
    {
        var problem = await app.GetProblemAsync("/v1/events/no-such-event/citation", HttpStatusCode.NotFound);
        Assert.Equal("Event not found", problem.Title);
        Assert.Equal("There is no event with id 'no-such-event'. Ids are slugs such as '2022-11-15-przewodow-missile'; list them at /v1/events.", problem.Detail);
    }

    [Fact]
    public async Task UnknownFormatOrUnservableAcceptIsA406Problem()
    {
        var byName = await app.GetProblemAsync($"/v1/events/{Przewodow}/citation?format=bibtex", HttpStatusCode.NotAcceptable);
        Assert.Equal("Format not available", byName.Title);
        Assert.Equal("Unknown format 'bibtex'. Use one of: text, csl.", byName.Detail);

        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/events/{Przewodow}/citation");
        request.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse("application/xml"));
        using var response = await client.SendAsync(request);
        var byAccept = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotAcceptable);
        Assert.Equal("None of the media types in the Accept header 'application/xml' can be served. Accept text/plain or application/vnd.citationstyles.csl+json, or name the format with format= (text, csl).", byAccept.Detail);
    }

    private async Task<(HttpResponseMessage Response, string Body)> GetAsync(string url, string? accept = null)
    {
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (accept is not null) request.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse(accept));
        var response = await client.SendAsync(request);
        return (response, await response.Content.ReadAsStringAsync());
    }
}
