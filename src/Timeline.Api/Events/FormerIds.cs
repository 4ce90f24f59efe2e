using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Timeline.Api.Infrastructure;

namespace Timeline.Api.Events;

/// <summary>
/// Ids events had before a rename (a corrected date in the id): every address under /v1/events/{old}
/// answers 301 Moved Permanently to the same address under the current id, so links in articles never break.
/// </summary>
internal static class FormerIds
{
    private const string Sql = "select e.slug from event_aliases a join events e on e.id = a.event_id where a.slug = @id";

    /// <summary>The 301 to the current id's address, or null when no event ever had this id.</summary>
    public static async Task<RedirectHttpResult?> RedirectAsync(ReadDatabase db, HttpRequest request, string id, CancellationToken ct)
    {
        var conn = await db.ConnectionAsync(ct);
        if (await conn.QuerySingleOrDefaultAsync<string>(new CommandDefinition(Sql, new { id }, cancellationToken: ct)) is not { } current)
        {
            return null;
        }
        // Ids are slugs ([a-z0-9-]): the path holds them as they are.
        var rest = request.Path.Value is { } path && path.StartsWith($"/v1/events/{id}", StringComparison.Ordinal)
            ? path[$"/v1/events/{id}".Length..]
            : "";
        return TypedResults.Redirect($"{request.PathBase}/v1/events/{current}{rest}{request.QueryString}", permanent: true);
    }
}
