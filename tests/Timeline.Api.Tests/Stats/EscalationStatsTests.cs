using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Dapper;
using Timeline.Api.Events;
using Timeline.Api.Stats;
using Timeline.Api.Tests.Infrastructure;

namespace Timeline.Api.Tests.Stats;

public sealed class EscalationStatsTests(EscalationStatsTests.StatsApp app) : IClassFixture<EscalationStatsTests.StatsApp>
{
    [Theory]
    [InlineData("day")]
    [InlineData("week")]
    [InlineData("month")]
    public async Task BucketsAreContiguousAndIncludeEmptyOnes(string bucket)
    {
        var from = new DateOnly(2022, 1, 1);
        var to = new DateOnly(2023, 6, 30);
        var stats = await app.GetJsonAsync<EscalationStats>($"/v1/stats/escalation?bucket={bucket}&from={from:yyyy-MM-dd}&to={to:yyyy-MM-dd}");

        Assert.Equal(bucket, stats.Bucket);
        Assert.Equal(from, stats.From);
        Assert.Equal(to, stats.To);
        Assert.InRange(from, stats.Buckets[0].Start, stats.Buckets[0].End);
        Assert.InRange(to, stats.Buckets[^1].Start, stats.Buckets[^1].End);
        for (var i = 0; i < stats.Buckets.Length; i++)
        {
            var b = stats.Buckets[i];
            if (i > 0) Assert.Equal(stats.Buckets[i - 1].End.AddDays(1), b.Start);
            switch (bucket)
            {
                case "day": Assert.Equal(b.Start, b.End); break;
                case "week": Assert.Equal(DayOfWeek.Monday, b.Start.DayOfWeek); Assert.Equal(b.Start.AddDays(6), b.End); break;
                default: Assert.Equal(1, b.Start.Day); Assert.Equal(b.Start.AddMonths(1).AddDays(-1), b.End); break;
            }
            Assert.Equal(b.Events, b.ByKind.Values.Sum());
            Assert.Equal(b.Events == 0, b.MaxLevel is null);
            Assert.Equal(b.Events == 0, b.MeanLevel is null);
        }
        Assert.Contains(stats.Buckets, b => b.Events == 0);
        Assert.Equal(stats.TotalEvents, stats.Buckets.Sum(b => b.Events));
    }

    [Theory]
    [InlineData("")]
    [InlineData("kind=incident")]
    [InlineData("kind=diplomacy,policy")]
    [InlineData("country=RU")]
    [InlineData("from=2022-02-01&to=2023-12-31")]
    [InlineData("minLevel=3")]
    [InlineData("q=missile")]
    [InlineData("includeRetracted=true")]
    public async Task BucketsAgreeWithTheEventListForTheSameFilters(string filters)
    {
        var events = await app.WalkEventsAsync(filters);
        var stats = await app.GetJsonAsync<EscalationStats>($"/v1/stats/escalation?bucket=month&{filters}");

        Assert.Equal(events.Count, stats.TotalEvents);
        Assert.Equal(events.Count, stats.Buckets.Sum(b => b.Events));
        var byMonth = events.ToLookup(e => new DateOnly(e.Date.Start.Year, e.Date.Start.Month, 1));
        foreach (var b in stats.Buckets)
        {
            var inBucket = byMonth[b.Start].ToList();
            Assert.Equal(inBucket.Count, b.Events);
            Assert.Equal(inBucket.Count == 0 ? null : inBucket.Max(e => e.Escalation.Level), b.MaxLevel);
            Assert.Equal(inBucket.Count == 0 ? null : Math.Round((decimal)inBucket.Average(e => e.Escalation.Level), 2, MidpointRounding.AwayFromZero), b.MeanLevel);
            Assert.Equal(inBucket.GroupBy(e => e.Kind).ToDictionary(g => g.Key, g => g.Count()).OrderBy(kv => kv.Key), b.ByKind.OrderBy(kv => kv.Key));
        }
        if (events.Count > 0 && !filters.Contains("from=", StringComparison.Ordinal))
        {
            // Without a window, it runs from the first to the last matching event.
            Assert.Equal(events[0].Date.Start, stats.From);
            Assert.Equal(events[^1].Date.Start, stats.To);
        }
    }

    [Fact]
    public async Task HandCheckedMonthsHaveTheirHighestAndMeanLevel()
    {
        await AddTestEventsAsync();

        var stats = await app.GetJsonAsync<EscalationStats>("/v1/stats/escalation?from=1991-02-01&to=1991-05-31");

        Assert.Equal("month", stats.Bucket);
        Assert.Equal(4, stats.TotalEvents);
        Assert.Collection(stats.Buckets,
            feb => AssertBucket(feb, "1991-02-01", "1991-02-28", 0, null, null, []),
            mar => AssertBucket(mar, "1991-03-01", "1991-03-31", 3, 4, 2.33m, new() { ["incident"] = 2, ["statement"] = 1 }),
            apr => AssertBucket(apr, "1991-04-01", "1991-04-30", 0, null, null, []),
            may => AssertBucket(may, "1991-05-01", "1991-05-31", 1, 0, 0m, new() { ["diplomacy"] = 1 }));

        // The retracted level-7 event counts only when asked for.
        var withRetracted = await app.GetJsonAsync<EscalationStats>("/v1/stats/escalation?from=1991-03-01&to=1991-03-31&includeRetracted=true");
        AssertBucket(Assert.Single(withRetracted.Buckets), "1991-03-01", "1991-03-31", 4, 7, 3.5m, new() { ["incident"] = 3, ["statement"] = 1 });
    }

    [Fact]
    public async Task HandCheckedWeeksStartOnMondayAndDaysCountSingleDates()
    {
        await AddTestEventsAsync();

        var weeks = await app.GetJsonAsync<EscalationStats>("/v1/stats/escalation?bucket=week&from=1991-03-01&to=1991-03-31&kind=incident,statement");
        Assert.Collection(weeks.Buckets,
            w => AssertBucket(w, "1991-02-25", "1991-03-03", 0, null, null, []),
            w => AssertBucket(w, "1991-03-04", "1991-03-10", 1, 1, 1m, new() { ["incident"] = 1 }),
            w => AssertBucket(w, "1991-03-11", "1991-03-17", 0, null, null, []),
            w => AssertBucket(w, "1991-03-18", "1991-03-24", 1, 4, 4m, new() { ["incident"] = 1 }),
            w => AssertBucket(w, "1991-03-25", "1991-03-31", 1, 2, 2m, new() { ["statement"] = 1 }));

        var days = await app.GetJsonAsync<EscalationStats>("/v1/stats/escalation?bucket=day&from=1991-03-04&to=1991-03-06");
        Assert.Collection(days.Buckets,
            d => AssertBucket(d, "1991-03-04", "1991-03-04", 0, null, null, []),
            d => AssertBucket(d, "1991-03-05", "1991-03-05", 1, 1, 1m, new() { ["incident"] = 1 }),
            d => AssertBucket(d, "1991-03-06", "1991-03-06", 0, null, null, []));
    }

    [Fact]
    public async Task NothingMatchingAndNoWindowGivesNoBuckets()
    {
        var stats = await app.GetJsonAsync<EscalationStats>("/v1/stats/escalation?q=zzqxjvw");

        Assert.Equal(0, stats.TotalEvents);
        Assert.Empty(stats.Buckets);
        Assert.Null(stats.From);
        Assert.Null(stats.To);
    }

    [Fact]
    public async Task AWindowWithoutEventsStillHasItsEmptyBuckets()
    {
        var stats = await app.GetJsonAsync<EscalationStats>("/v1/stats/escalation?from=1900-01-01&to=1900-03-15");

        Assert.Equal(["1900-01-01", "1900-02-01", "1900-03-01"], stats.Buckets.Select(b => b.Start.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)));
        Assert.All(stats.Buckets, b => Assert.Equal(0, b.Events));
    }

    [Theory]
    [InlineData("bucket=year", "bucket", "Unknown bucket 'year'")]
    [InlineData("bucket=Month", "bucket", "Unknown bucket 'Month'")]
    [InlineData("from=2025-03-01&to=2025-02-01", "to", "must not be before")]
    [InlineData("minLevel=9", "minLevel", "0 to 7")]
    [InlineData("bucket=day&from=2000-01-01&to=2020-12-31", "bucket", "bucket=week or bucket=month")]
    [InlineData("bucket=week&from=1900-01-01&to=2020-12-31", "bucket", "bucket=month")]
    [InlineData("bucket=day&from=1900-01-01&to=2100-12-31", "bucket", "narrower window")]
    [InlineData("from=0001-01-01&to=9999-12-31", "from", "must be between 1900-01-01 and 2100-12-31")]
    public async Task InvalidRequestReturnsValidationProblem(string query, string parameter, string message)
    {
        using var client = app.CreateClient();
        using var response = await client.GetAsync($"/v1/stats/escalation?{query}");

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.NotNull(problem.Errors);
        Assert.True(problem.Errors!.ContainsKey(parameter), $"errors name '{parameter}': {string.Join(", ", problem.Errors.Keys)}");
        Assert.Contains(message, problem.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("from=2025-02-30", "from")]
    [InlineData("minLevel=high", "minLevel")]
    public async Task MalformedParameterReturnsProblem(string query, string parameter)
    {
        using var client = app.CreateClient();
        using var response = await client.GetAsync($"/v1/stats/escalation?{query}");

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains(parameter, problem.Detail, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task UnchangedDatasetAnswersNotModified()
    {
        using var client = app.CreateClient();
        using var first = await client.GetAsync("/v1/stats/escalation?bucket=week");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var etag = first.Headers.ETag;
        Assert.NotNull(etag);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/stats/escalation?bucket=week");
        request.Headers.IfNoneMatch.Add(new EntityTagHeaderValue(etag!.Tag, etag.IsWeak));
        using var second = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
    }

    private static void AssertBucket(EscalationBucket bucket, string start, string end, int events, int? maxLevel, decimal? meanLevel, Dictionary<string, int> byKind)
    {
        Assert.Equal(DateOnly.Parse(start, System.Globalization.CultureInfo.InvariantCulture), bucket.Start);
        Assert.Equal(DateOnly.Parse(end, System.Globalization.CultureInfo.InvariantCulture), bucket.End);
        Assert.Equal(events, bucket.Events);
        Assert.Equal(maxLevel, bucket.MaxLevel);
        Assert.Equal(meanLevel, bucket.MeanLevel);
        Assert.Equal(byKind.OrderBy(kv => kv.Key), bucket.ByKind.OrderBy(kv => kv.Key));
    }

    /// <summary>
    /// Test-only events in 1991, well before the curated set, in this class's own database: levels 1, 4, 2
    /// in March, 0 in May, and a retracted level 7 in March. Idempotent.
    /// </summary>
    private async Task AddTestEventsAsync()
    {
        await using var conn = await app.OpenDatabaseAsync();
        await conn.ExecuteAsync("""
            insert into events (slug, title, summary, kind, occurred_on, date_precision, escalation_level, escalation_rationale,
                                status, retraction_reason, retracted_at, retracted_by)
            values ('test-1991-03-05-a', 'Test event A', 'Test data.', 'incident', '1991-03-05', 'day', 1, 'test', 'published', null, null, null),
                   ('test-1991-03-20-b', 'Test event B', 'Test data.', 'incident', '1991-03-20', 'day', 4, 'test', 'published', null, null, null),
                   ('test-1991-03-31-c', 'Test event C', 'Test data.', 'statement', '1991-03-31', 'day', 2, 'test', 'published', null, null, null),
                   ('test-1991-05-15-d', 'Test event D', 'Test data.', 'diplomacy', '1991-05-15', 'day', 0, 'test', 'published', null, null, null),
                   ('test-1991-03-10-x', 'Test event X', 'Test data.', 'incident', '1991-03-10', 'day', 7, 'test', 'retracted', 'Test retraction.', now(), 'test')
            on conflict (slug) do nothing
            """);
    }

    /// <summary>
    /// This class adds its test events with SQL, behind the API's back, and the API caches the dataset
    /// version for a second: without the cache, a 304 test cannot meet a version read just before an insert.
    /// </summary>
    public sealed class StatsApp : TimelineApp
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Timeline:DatasetVersionCacheMilliseconds", "0");
        }
    }
}
