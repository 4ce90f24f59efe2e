using System.Text;
using System.Text.RegularExpressions;
using FluentValidation;
using FluentValidation.Results;

namespace Timeline.Api.Editing;

/// <summary>The rules every editorial text and identifier follows, shared by the write validators.</summary>
internal static partial class TextRules
{
    public const int SlugMaxLength = 100;

    /// <summary>Required text: present, not blank, no surrounding spaces, within the length, clean characters.</summary>
    public static IRuleBuilderOptions<T, string?> RequiredText<T>(this IRuleBuilder<T, string?> rule, int maxLength, bool multiline = false) =>
        rule.NotNull().WithMessage("'{PropertyName}' is required.")
            .Must(s => s is null || !IsBlank(s)).WithMessage("'{PropertyName}' must not be empty or blank (spaces and invisible characters such as U+200B do not count).")
            .OptionalText(maxLength, multiline);

    /// <summary>Optional text: null, or text that follows the same rules as required text.</summary>
    public static IRuleBuilderOptions<T, string?> OptionalText<T>(this IRuleBuilder<T, string?> rule, int maxLength, bool multiline = false) =>
        rule.Must(s => s is null || !IsBlank(s)).WithMessage("'{PropertyName}' must not be blank (spaces and invisible characters such as U+200B do not count): leave it out or null instead.")
            .Must(s => s is null || s.Length == 0 || (IsVisible(s[0]) && IsVisible(s[^1]))).WithMessage("'{PropertyName}' must not start or end with spaces or invisible characters.")
            .Must(s => s is null || s.Length <= maxLength).WithMessage($"'{{PropertyName}}' must be at most {maxLength} characters.")
            .Must(s => s is null || IsClean(s, multiline)).WithMessage(multiline
                ? "'{PropertyName}' must not contain control characters (other than line breaks), direction-override characters (U+202A–U+202E, U+2066–U+2069) or unpaired surrogates."
                : "'{PropertyName}' must not contain control characters (including line breaks), direction-override characters (U+202A–U+202E, U+2066–U+2069) or unpaired surrogates.");

    /// <summary>A public id: lowercase letters and digits in words joined by single hyphens, at most 100 characters.</summary>
    public static IRuleBuilderOptions<T, string?> Slug<T>(this IRuleBuilder<T, string?> rule) =>
        rule.NotEmpty().WithMessage("'{PropertyName}' is required.")
            .Must(s => s is null || (s.Length <= SlugMaxLength && SlugPattern().IsMatch(s)))
            .WithMessage("'{PropertyName}' must be lowercase letters and digits in words joined by single hyphens, at most 100 characters, e.g. '2022-11-15-przewodow-missile' (got '{PropertyValue}').");

    public static IRuleBuilderOptions<T, string?> OneOf<T>(this IRuleBuilder<T, string?> rule, string[] allowed, string? seeAlso = null) =>
        rule.NotNull().WithMessage($"'{{PropertyName}}' is required: one of {Vocabulary.List(allowed)}.")
            .Must(v => v is null || allowed.Contains(v, StringComparer.Ordinal))
            .WithMessage($"'{{PropertyName}}' must be one of {Vocabulary.List(allowed)}{(seeAlso is null ? "" : "; see " + seeAlso)} (got '{{PropertyValue}}').");

    public static IRuleBuilderOptions<T, string?> Country<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(c => c is null || Vocabulary.Countries.Contains(c))
            .WithMessage("'{PropertyName}' must be an ISO 3166-1 alpha-2 country code in capitals, such as 'PL' or 'UA' (got '{PropertyValue}').");

    public static IRuleBuilderOptions<T, string?> Language<T>(this IRuleBuilder<T, string?> rule) =>
        rule.NotNull().WithMessage("'{PropertyName}' is required: an ISO 639-1 code such as 'en'.")
            .Must(l => l is null || LanguagePattern().IsMatch(l))
            .WithMessage("'{PropertyName}' must be an ISO 639-1 language code in lowercase, such as 'en', 'ru' or 'pl' (got '{PropertyValue}').");

    public static IRuleBuilderOptions<T, string?> WikidataQid<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(q => q is null || QidPattern().IsMatch(q))
            .WithMessage("'{PropertyName}' must be a Wikidata item id such as 'Q123456' (got '{PropertyValue}').");

    public static IRuleBuilderOptions<T, string?> WebUrl<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(u => u is null || (u.Length <= 2000 && Uri.TryCreate(u, UriKind.Absolute, out var uri)
                && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) && !string.IsNullOrEmpty(uri.Host)
                && u.StartsWith(uri.Scheme + "://", StringComparison.Ordinal) && IsClean(u, false) && !u.Any(char.IsWhiteSpace)))
            .WithMessage("'{PropertyName}' must be an absolute http:// or https:// URL of at most 2000 characters, without spaces. Leave it null when the address is not known: never guess one.")
            .Must(u => u is null || !Uri.TryCreate(u, UriKind.Absolute, out var uri) || IsPublicAddress(uri))
            .WithMessage("'{PropertyName}' must be a public web address: no user name or password in it, and not a private, loopback or link-local host such as localhost, 127.0.0.1, 10.x.x.x or 169.254.169.254 (the page turns sources into links readers follow).");

    /// <summary>
    /// A link readers may follow: no credentials, and a host on the public internet: a dotted DNS name that
    /// is not localhost or a local-only suffix, or an IP address outside the loopback, private, link-local,
    /// shared, unspecified and multicast ranges.
    /// </summary>
    public static bool IsPublicAddress(Uri uri)
    {
        if (uri.UserInfo.Length > 0) return false;
        if (uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6)
        {
            var ip = System.Net.IPAddress.Parse(uri.IdnHost.Trim('[', ']'));
            if (ip.IsIPv4MappedToIPv6) ip = ip.MapToIPv4();
            if (System.Net.IPAddress.IsLoopback(ip) || ip.Equals(System.Net.IPAddress.Any) || ip.Equals(System.Net.IPAddress.IPv6Any)) return false;
            if (ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6)
            {
                return !(ip.IsIPv6LinkLocal || ip.IsIPv6SiteLocal || ip.IsIPv6UniqueLocal || ip.IsIPv6Multicast);
            }
            var b = ip.GetAddressBytes();
            return !(b[0] is 0 or 10 or 127 || b[0] >= 224 || (b[0] == 169 && b[1] == 254) || (b[0] == 172 && b[1] is >= 16 and <= 31)
                || (b[0] == 192 && b[1] == 168) || (b[0] == 100 && b[1] is >= 64 and <= 127));
        }
        var host = uri.IdnHost.TrimEnd('.').ToLowerInvariant();
        return host.Contains('.', StringComparison.Ordinal)
            && !LocalSuffixes.Any(s => host == s[1..] || host.EndsWith(s, StringComparison.Ordinal));
    }

    private static readonly string[] LocalSuffixes = [".localhost", ".local", ".internal", ".home.arpa", ".lan", ".localdomain"];

    /// <summary>Only spaces, line breaks and invisible format characters (U+200B, U+FEFF, U+2060 …), or nothing.</summary>
    public static bool IsBlank(string s) => s.All(c => !IsVisible(c));

    private static bool IsVisible(char c) => !char.IsWhiteSpace(c) && !char.IsControl(c)
        && System.Globalization.CharUnicodeInfo.GetUnicodeCategory(c) != System.Globalization.UnicodeCategory.Format;

    /// <summary>
    /// No control characters (a line break is allowed in multi-line text), no bidirectional embedding,
    /// override or isolate characters (they can make text read differently from what is stored), no
    /// unpaired surrogates.
    /// </summary>
    public static bool IsClean(string s, bool multiline)
    {
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (char.IsControl(c) && !(multiline && c == '\n')) return false;
            if (c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069') return false;
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= s.Length || !char.IsLowSurrogate(s[i + 1])) return false;
                i++;
            }
            else if (char.IsLowSurrogate(c)) return false;
        }
        return true;
    }

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    internal static partial Regex SlugPattern();

    [GeneratedRegex("^[a-z]{2}$")]
    private static partial Regex LanguagePattern();

    [GeneratedRegex("^Q[1-9][0-9]{0,11}$")]
    private static partial Regex QidPattern();
}

/// <summary>
/// A validator of a JSON body: failures name the JSON path in camelCase (<c>quotes[0].text</c>), both
/// as the key in <c>errors</c> and in the message, so that a client can find the value it has to fix.
/// </summary>
internal abstract class BodyValidator<T> : AbstractValidator<T>
{
    public override ValidationResult Validate(ValidationContext<T> context) => Rename(base.Validate(context));

    public override async Task<ValidationResult> ValidateAsync(ValidationContext<T> context, CancellationToken cancellation = default) =>
        Rename(await base.ValidateAsync(context, cancellation));

    private static ValidationResult Rename(ValidationResult result)
    {
        foreach (var failure in result.Errors)
        {
            var path = string.Join('.', failure.PropertyName.Split('.').Select(Camel));
            var leaf = failure.PropertyName.Split('.')[^1];
            var bracket = leaf.IndexOf('[', StringComparison.Ordinal);
            var display = Words(bracket >= 0 ? leaf[..bracket] : leaf);
            failure.ErrorMessage = failure.ErrorMessage.Replace($"'{display}'", $"'{path}'", StringComparison.Ordinal);
            failure.PropertyName = path;
        }
        return result;
    }

    private static string Camel(string name) => name.Length == 0 ? name : char.ToLowerInvariant(name[0]) + name[1..];

    /// <summary>FluentValidation's default display name: "WikidataQid" → "Wikidata Qid".</summary>
    private static string Words(string name)
    {
        var sb = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (i > 0 && char.IsUpper(name[i]) && (char.IsLower(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1]))))
            {
                sb.Append(' ');
            }
            sb.Append(name[i]);
        }
        return sb.ToString();
    }
}
