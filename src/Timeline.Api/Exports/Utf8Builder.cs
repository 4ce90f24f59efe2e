using System.Globalization;
using System.Text;

namespace Timeline.Api.Exports;

/// <summary>
/// A growable UTF-8 buffer, cleared and reused for every line or value: the text formats build their output
/// in it from the document's UTF-8 and hand it to the response in one piece, with no string in between.
/// </summary>
internal sealed class Utf8Builder
{
    private byte[] _bytes = new byte[4096];

    public int Length { get; private set; }

    public ReadOnlySpan<byte> Written => _bytes.AsSpan(0, Length);

    public Utf8Builder Clear()
    {
        Length = 0;
        return this;
    }

    public Utf8Builder Append(ReadOnlySpan<byte> utf8)
    {
        utf8.CopyTo(Room(utf8.Length));
        Length += utf8.Length;
        return this;
    }

    public Utf8Builder Append(ReadOnlySpan<char> text)
    {
        Length += Encoding.UTF8.GetBytes(text, Room(Encoding.UTF8.GetMaxByteCount(text.Length)));
        return this;
    }

    /// <summary>A number or date, formatted with the invariant culture.</summary>
    public Utf8Builder Append<T>(T value, string? format = null) where T : IUtf8SpanFormattable
    {
        int written;
        for (var size = 64; !value.TryFormat(Room(size), out written, format, CultureInfo.InvariantCulture); size *= 2) { }
        Length += written;
        return this;
    }

    /// <summary>Takes back the last <paramref name="count"/> bytes.</summary>
    public void TrimEnd(int count) => Length -= count;

    /// <summary>At least <paramref name="size"/> free bytes after what is written.</summary>
    private Span<byte> Room(int size)
    {
        if (_bytes.Length - Length < size)
        {
            Array.Resize(ref _bytes, Math.Max(Length + size, _bytes.Length * 2));
        }
        return _bytes.AsSpan(Length);
    }
}
