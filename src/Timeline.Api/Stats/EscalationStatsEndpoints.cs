using System.ComponentModel;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Dapper;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Npgsql;
using Timeline.Api.Events;
using Timeline.Api.Infrastructure;

namespace Timeline.Api.Stats;

/// <summary>How the escalation curve is cut into buckets.</summary>
internal sealed record EscalationStatsQuery(
    // The description sits on the property: on the constructor parameter it trips Microsoft.AspNetCore.OpenApi's
    // [AsParameters] reflection: building the document fails with an InvalidCastException.
    [FromQuery(Name = "bucket")][property: Description("Bucket size: `day`, `week` (ISO weeks, Monday first) or `month` (the default).")]
    string? Bucket = null)
{
    public const string DefaultBucket = "month";

    /// <summary>More buckets than this in one response is a chart nobody can read and a body nobody wants.</summary>
    public const int MaxBuckets = 5000;

    public static readonly string[] Buckets = ["day", "week", "month"];
}

internal sealed class EscalationStatsQueryValidator : AbstractValidator<EscalationStatsQuery>
{
    public EscalationStatsQueryValidator()
    {
        RuleFor(q => q.Bucket).Must(b => b is null || EscalationStatsQuery.Buckets.Contains(b))
            .OverridePropertyName<EscalationStatsQuery, string?>("bucket")
            .WithMessage(q => $"Unknown bucket '{q.Bucket}': use 'day', 'week' or 'month'.");
    }
}

internal static class EscalationStatsEndpoints
{
    public static void MapEscalationStats(this IEndpointRouteBuilder app)
    {
        var stats = app.MapGroup("/v1/stats").WithTags("Statistics").ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        stats.MapGet("/escalation", GetEscalation)
            .WithName("GetEscalationStats")
            .WithSummary("The escalation curve: events and their highest and mean level per day, week or month")
            .WithDescription($"Cuts the date window into buckets (`bucket=day|week|month`, default month) and gives, for each, the number of events, the highest and the mean escalation level (see /v1/escalation-ladder) and the number of events per kind. Takes the same filters as `/v1/events`. Empty buckets are included, so a chart can be drawn without gaps. Without `from`/`to` the window runs from the first to the last matching event. At most {EscalationStatsQuery.MaxBuckets} buckets per response: for longer windows choose a wider bucket.")
            .Validate<EventFilter>()
            .Validate<EscalationStatsQuery>()
            .WithDatasetConditionalGet()
            .AddOpenApiOperationTransformer(AddExamples);
    }

    /// <summary>Swagger UI examples: the curated months around Przewodów (Oct–Dec 2022), as the API answers them.</summary>
    private static Task AddExamples(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>().Where(p => p.Name == "bucket") ?? [])
        {
            parameter.Example = EscalationStatsQuery.DefaultBucket;
        }
        var example = new EscalationStats("month", new DateOnly(2022, 10, 1), new DateOnly(2022, 12, 31), 5,
        [
            new(new DateOnly(2022, 10, 1), new DateOnly(2022, 10, 31), 2, 2, 2.00m, new() { ["incident"] = 1, ["military-operation"] = 1 }),
            new(new DateOnly(2022, 11, 1), new DateOnly(2022, 11, 30), 1, 5, 5.00m, new() { ["incident"] = 1 }),
            new(new DateOnly(2022, 12, 1), new DateOnly(2022, 12, 31), 2, 3, 2.00m, new() { ["military-aid"] = 1, ["statement"] = 1 }),
        ]);
        var json = context.ApplicationServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        if (operation.Responses is { } responses && responses.TryGetValue("200", out var response)
            && response.Content is { } content && content.TryGetValue("application/json", out var ok))
        {
            ok.Example = JsonSerializer.SerializeToNode(example, json);
        }
        return Task.CompletedTask;
    }

    // One pass over the matching events, grouped by (bucket, kind): a few rows per bucket even at
    // millions of events. The window, the bucket count and the gap-free series are worked out from
    // that small result, so the whole answer is one round trip. {unit}, {step} and {count} come
    // from a fixed table below, never from the request.
    private const string StatsSql = """
        with d as (
            select e.occurred_on as day, e.kind,
                   count(*)::int as n, max(e.escalation_level)::int as top, sum(e.escalation_level)::int as total
            from events e where true {predicates}
            group by 1, 2
        ),
        g as (
            select date_trunc('{unit}', d.day::timestamp)::date as start, d.kind,
                   sum(d.n)::int as n, max(d.top) as top, sum(d.total)::int as total,
                   min(d.day) as first_on, max(d.day) as last_on
            from d
            group by 1, 2
        ),
        w as (
            select coalesce(@windowFrom::date, min(g.first_on), @windowTo::date) as from_on,
                   coalesce(@windowTo::date, max(g.last_on), @windowFrom::date) as to_on
            from g
        ),
        b as (
            select w.from_on, w.to_on,
                   date_trunc('{unit}', w.from_on::timestamp)::date as lo,
                   date_trunc('{unit}', w.to_on::timestamp)::date as hi
            from w
        ),
        c as (select b.*, {count} as bucket_count from b),
        s as (
            select gs::date as start
            from c, generate_series(c.lo::timestamp, c.hi::timestamp, interval '{step}') gs
            where c.bucket_count <= @maxBuckets
        ),
        k as (
            select g.start, sum(g.n)::int as n, max(g.top) as top, sum(g.total)::int as total,
                   jsonb_object_agg(g.kind, g.n) as by_kind
            from g group by g.start
        )
        select coalesce(c.bucket_count, 0) as bucket_count, c.from_on, c.to_on,
               json_build_object(
                   'bucket', '{unit}',
                   'from', c.from_on,
                   'to', c.to_on,
                   'totalEvents', coalesce((select sum(k.n) from k), 0),
                   'buckets', coalesce((
                       select json_agg(json_build_object(
                                  'start', s.start,
                                  'end', (s.start + interval '{step}' - interval '1 day')::date,
                                  'events', coalesce(k.n, 0),
                                  'maxLevel', k.top,
                                  'meanLevel', round(k.total::numeric / k.n, 2),
                                  'byKind', coalesce(k.by_kind, '{}'::jsonb))
                              order by s.start)
                       from s left join k on k.start = s.start), '[]'::json)
               )::text as json
        from c
        """;

    private static readonly Dictionary<string, (string Step, string Count)> Units = new()
    {
        ["day"] = ("1 day", "(b.hi - b.lo + 1)"),
        ["week"] = ("1 week", "((b.hi - b.lo) / 7 + 1)"),
        ["month"] = ("1 month", "((extract(year from b.hi)::int - extract(year from b.lo)::int) * 12 + extract(month from b.hi)::int - extract(month from b.lo)::int + 1)"),
    };

    internal static async Task<Results<JsonText<EscalationStats>, ValidationProblem>> GetEscalation(
        [AsParameters] EventFilter filter, [AsParameters] EscalationStatsQuery query, ReadDatabase db, CancellationToken ct)
    {
        var unit = query.Bucket ?? EscalationStatsQuery.DefaultBucket;
        var (step, count) = Units[unit];
        var predicates = new StringBuilder();
        var args = new DynamicParameters();
        filter.AppendPredicates(predicates, args);
        // As text: Npgsql sends DateOnly.MinValue/MaxValue (0001-01-01, 9999-12-31) as ±infinity, which has no buckets.
        args.Add("windowFrom", filter.From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        args.Add("windowTo", filter.To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        args.Add("maxBuckets", EscalationStatsQuery.MaxBuckets);
        var sql = StatsSql
            .Replace("{predicates}", predicates.ToString(), StringComparison.Ordinal)
            .Replace("{count}", count, StringComparison.Ordinal)
            .Replace("{unit}", unit, StringComparison.Ordinal)
            .Replace("{step}", step, StringComparison.Ordinal);

        var conn = await db.ConnectionAsync(ct);
        var row = await conn.QuerySingleAsync<(int BucketCount, DateOnly? FromOn, DateOnly? ToOn, string Json)>(
            new CommandDefinition(sql, args, cancellationToken: ct));

        if (row.BucketCount > EscalationStatsQuery.MaxBuckets)
        {
            var wider = unit switch { "day" => "bucket=week or bucket=month, or ", "week" => "bucket=month, or ", _ => "" };
            var message = $"The window {row.FromOn:yyyy-MM-dd} to {row.ToOn:yyyy-MM-dd} holds {row.BucketCount} {unit} buckets; " +
                $"at most {EscalationStatsQuery.MaxBuckets} fit in one response. Use {wider}a narrower window (from, to).";
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["bucket"] = [message] },
                detail: message, title: "The request is not valid");
        }
        return new JsonText<EscalationStats>(row.Json);
    }
}
