using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Timeline.Api.Infrastructure;

/// <summary>
/// The opaque keyset cursor: the sort direction and the (date, id) of the last row served, with a
/// short checksum so that a hand-edited cursor is refused with a 400 instead of silently skipping rows.
/// </summary>
internal readonly record struct Cursor(bool Descending, DateOnly Date, long Id)
{
    private static readonly byte[] Key = "timeline-cursor-v1"u8.ToArray();

    public string Encode()
    {
        var payload = string.Create(CultureInfo.InvariantCulture, $"{(Descending ? 'd' : 'a')}|{Date:yyyy-MM-dd}|{Id}");
        return Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payload + "|" + Checksum(payload)));
    }

    public static bool TryDecode(string? text, out Cursor cursor)
    {
        cursor = default;
        if (string.IsNullOrEmpty(text) || text.Length > 200)
        {
            return false;
        }
        byte[] bytes;
        try
        {
            bytes = Base64Url.DecodeFromChars(text);
        }
        catch (FormatException)
        {
            return false;
        }
        var parts = Encoding.UTF8.GetString(bytes).Split('|');
        if (parts.Length != 4 || parts[0] is not ("a" or "d"))
        {
            return false;
        }
        var payload = string.Join('|', parts[..3]);
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(Checksum(payload)), Encoding.UTF8.GetBytes(parts[3]))
            || !DateOnly.TryParseExact(parts[1], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return false;
        }
        cursor = new Cursor(parts[0] == "d", date, id);
        return true;
    }

    private static string Checksum(string payload) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Key, Encoding.UTF8.GetBytes(payload)).AsSpan(0, 6));
}
