using System.Collections.Frozen;

namespace Timeline.Api.Editing;

/// <summary>
/// The closed vocabularies a write is checked against before it reaches the database, so that a bad
/// value gets a clear 400 instead of a constraint error. They mirror the CHECKs and the kinds and
/// escalation_levels tables of db/migrations; a test compares them with the database.
/// </summary>
internal static class Vocabulary
{
    public static readonly string[] Kinds =
        ["incident", "statement", "policy", "military-aid", "diplomacy", "deployment", "sanctions", "military-operation"];
    public const int MinLevel = 0;
    public const int MaxLevel = 7;
    public static readonly string[] DatePrecisions = ["day", "month", "year"];
    public static readonly string[] ActorTypes = ["person", "state", "organisation", "alliance"];
    public static readonly string[] Roles = ["speaker", "initiator", "target", "affected", "mediator", "participant"];
    public static readonly string[] ClaimStatuses = ["alleged", "disputed", "confirmed", "refuted"];
    public static readonly string[] RelationTypes = ["responds-to", "escalates", "follows", "same-thread", "contradicts"];

    /// <summary>ISO 3166-1 alpha-2: the 249 officially assigned codes.</summary>
    public static readonly FrozenSet<string> Countries = """
        AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ
        BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ
        CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ
        DE DJ DK DM DO DZ
        EC EE EG EH ER ES ET
        FI FJ FK FM FO FR
        GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY
        HK HM HN HR HT HU
        ID IE IL IM IN IO IQ IR IS IT
        JE JM JO JP
        KE KG KH KI KM KN KP KR KW KY KZ
        LA LB LC LI LK LR LS LT LU LV LY
        MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ
        NA NC NE NF NG NI NL NO NP NR NU NZ
        OM
        PA PE PF PG PH PK PL PM PN PR PS PT PW PY
        QA
        RE RO RS RU RW
        SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ
        TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ
        UA UG UM US UY UZ
        VA VC VE VG VI VN VU
        WF WS
        YE YT
        ZA ZM ZW
        """.Split([' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries).ToFrozenSet(StringComparer.Ordinal);

    public static string List(IEnumerable<string> values) => string.Join(", ", values.Select(v => $"'{v}'"));
}
