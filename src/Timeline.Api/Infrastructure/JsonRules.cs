using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Json;

namespace Timeline.Api.Infrastructure;

/// <summary>
/// How request bodies are read: strictly (an unknown or repeated property, or a number sent as a string,
/// is a 400 rather than something silently dropped or guessed), and with every string in Unicode NFC
/// (see <see cref="NormalizeText{T}"/>), so that "Przewodów" typed with a combining accent is stored,
/// searched and compared as the same text.
/// </summary>
internal static class JsonRules
{
    public static void Strict(JsonOptions o)
    {
        o.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        o.SerializerOptions.AllowDuplicateProperties = false;
        // Numbers are numbers: no quoted numbers accepted, and OpenAPI types integers as `integer`, not `integer|string`.
        o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
    }

    /// <summary>
    /// The body with every string in NFC. It is read once more through a copy of the options with a
    /// normalizing string converter: on the options themselves, a custom converter for strings would
    /// hide from OpenAPI that they are strings. A body is at most 64 KB, so the round trip is cheap.
    /// </summary>
    public static T NormalizeText<T>(T body, JsonSerializerOptions options)
    {
        var nfc = Nfc.GetValue(options, static o =>
        {
            var copy = new JsonSerializerOptions(o);
            copy.Converters.Add(new NfcStringConverter());
            return copy;
        });
        return (T)JsonSerializer.Deserialize(JsonSerializer.SerializeToUtf8Bytes(body, body!.GetType(), options), body.GetType(), nfc)!;
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<JsonSerializerOptions, JsonSerializerOptions> Nfc = [];

    /// <summary>Reads strings in Unicode normalization form C; writes them unchanged.</summary>
    private sealed class NfcStringConverter : JsonConverter<string>
    {
        public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var s = reader.GetString();
            return s is null || s.IsNormalized(NormalizationForm.FormC) ? s : s.Normalize(NormalizationForm.FormC);
        }

        public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
    }
}
