using System.Collections.Concurrent;
using Npgsql;

namespace Timeline.Api.Events;

/// <summary>
/// The words a search must all find, as the word index (event_words) holds them: PostgreSQL's own reading
/// of the query (websearch_to_tsquery with the search configuration) when that is an AND of plain words.
/// A phrase, OR, NOT or a hyphenated word (a phrase of its parts) gives none, and the search takes the
/// vector path instead. Searches repeat, so each query text's answer is kept (a bounded map, cleared when
/// full): the words depend only on the text and the configuration, which changes only with a migration.
/// </summary>
internal static class SearchWords
{
    /// <summary>More distinct words than this take the vector path (one merge join per word).</summary>
    private const int MaxWords = 6;

    private const int MaxRemembered = 10_000;

    private static readonly ConcurrentDictionary<string, string[]?> Remembered = new(StringComparer.Ordinal);

    public static async ValueTask<string[]?> ReadAsync(NpgsqlConnection conn, string q, CancellationToken ct)
    {
        if (Remembered.TryGetValue(q, out var words))
        {
            return words;
        }
        // The query as text, not querytree(): that drops negated words.
        await using var cmd = new NpgsqlCommand("select websearch_to_tsquery('timeline_english', $1)::text", conn);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = q });
        words = Parse(await cmd.ExecuteScalarAsync(ct) as string);
        if (Remembered.Count >= MaxRemembered)
        {
            Remembered.Clear();
        }
        Remembered[q] = words;
        return words;
    }

    /// <summary>"'drone' &amp; 'kyiv'" gives [drone, kyiv]; anything but single-quoted words joined by " &amp; " gives null.</summary>
    internal static string[]? Parse(string? tree)
    {
        if (string.IsNullOrEmpty(tree))
        {
            return null;
        }
        var words = new List<string>();
        // "'missil' & !'drone'", "'kyiv' | 'odesa'", "'air-def' <-> 'air' <-> 'defenc'": each part has more than one word.
        foreach (var part in tree.Split(" & "))
        {
            // A quote or backslash inside a word is escaped in this text: such a word takes the vector path.
            if (part.Length < 3 || part[0] != '\'' || part[^1] != '\'' || part.AsSpan(1, part.Length - 2).IndexOfAny('\'', '\\') >= 0)
            {
                return null;
            }
            var word = part[1..^1];
            if (!words.Contains(word))
            {
                words.Add(word);
            }
        }
        return words.Count <= MaxWords ? [.. words] : null;
    }
}
