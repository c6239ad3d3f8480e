//! The keyword table: normalised surface forms (see [`crate::token`]) mapped to [`Kw`].
//!
//! Arabic keys are written already normalised: hamza-alef forms as `ا`, taa marbuta as `ه`, alef
//! maqsura as `ي`, no diacritics or tatweel. English keys are lower case. The table is built once
//! behind a `LazyLock` and looked up with a small FxHash-style hasher.

use std::collections::HashMap;
use std::sync::LazyLock;

/// A unit of time named by a word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unit {
    Day,
    Week,
    Month,
    Year,
}

/// Grammatical form of a unit noun.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Form {
    /// "يوم", "شهر", "week"
    Indef,
    /// "الأسبوع", "الشهر", "العام"
    Def,
    /// "يومين", "أسبوعين"
    Dual,
    /// "أيام", "أشهر", "weeks"
    Plural,
}

/// Direction relative to the publication date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rel {
    Past,
    This,
    Next,
}

/// Part of a month or year ("مطلع", "منتصف", "أواخر", early/mid/late).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Part {
    Early,
    Mid,
    Late,
}

/// What a word means to the date grammar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kw {
    Today,
    Yesterday,
    Tomorrow,
    /// "غد" (as in "بعد غد", "يوم غد")
    Ghad,
    /// "أول" (as in "أول أمس"; also "early" before a month)
    Awwal,
    /// "من"
    Min,
    Of,
    The,
    Ago,
    /// "قبل"
    Qabl,
    /// "منذ"
    Mundh,
    /// "بعد"
    Bad,
    Before,
    After,
    /// "الموافق": "الثلاثاء الموافق 10 فبراير"
    Muwafiq,
    /// Weekday, 0 = Monday … 6 = Sunday.
    Weekday(u8),
    Unit(Unit, Form),
    Rel(Rel),
    Part(Part),
    /// Gregorian month 1..=12; `strict` means it is also a common word and needs a day or year.
    GMonth(u8, bool),
    /// "كانون" (needs الأول / الثاني)
    Kanun,
    /// "تشرين" (needs الأول / الثاني)
    Tishrin,
    /// Hijri month 1..=12 with the same `strict` meaning.
    HMonth(u8, bool),
    Rabi,
    Jumada,
    /// "ذو" / "ذي"
    Dhu,
    Qida,
    Hijja,
    /// "الآخر" / "الآخرة" (second of ربيع / جمادى)
    AlAkhir,
    /// "الأول" … "العاشر" (also الأولى / الثانية)
    Ordinal(u8),
    /// "الحادي"
    Hadi,
    /// "العشرين"
    Twenty,
    /// "الثلاثين"
    Thirty,
    /// Cardinal number words ("ثلاثة", "two", "a").
    NumWord(u8),
    /// "عدة", "بضعة", "several"
    Vague,
    Few,
    /// English ordinal suffix "st" "nd" "rd" "th".
    OrdSuffix,
    /// "هـ", "هجري", "للهجرة"
    HijriMark,
    /// "م", "ميلادي", "للميلاد"
    GregMark,
    /// Prepositions that announce a date: "في", "خلال", "in", "since", …
    Cue,
    /// "صباح", "مساء", … (Arabic, before the day word)
    ArDayPart,
    /// morning / afternoon / evening (false) or night (true)
    EnDayPart(bool),
    /// Words after "اليوم" that make it not "today": "التالي", "نفسه", "الوطني", …
    NotToday,
    Earlier,
    Later,
}

/// Keyed by the keys' UTF-8 bytes (what the tokenizer writes).
type Table = HashMap<&'static [u8], Kw, rustc_hash::FxBuildHasher>;

/// Longest key in bytes; longer words are never looked up.
pub(crate) static MAX_KEY_BYTES: LazyLock<usize> =
    LazyLock::new(|| TABLE.keys().map(|k| k.len()).max().unwrap_or(0));

static TABLE: LazyLock<Table> = LazyLock::new(build);

/// Per pair of letters (the first and the last: bytes that tell letters apart, the first byte of
/// an ASCII key and the second of an Arabic one, and the last byte), the bit `n` set when some
/// key of `n` bytes (31 for 31 or more) starts and ends with them. Most words of a text fail this
/// test and are never hashed.
static PREFILTER: LazyLock<Vec<u32>> = LazyLock::new(|| {
    let mut table = vec![0u32; PREFILTER_SLOTS];
    for key in TABLE.keys() {
        if let Some((slot, bit)) = prefilter_slot(key) {
            table[slot] |= bit;
        }
    }
    table
});

const PREFILTER_SLOTS: usize = 1 << 12;

#[inline]
fn prefilter_slot(bytes: &[u8]) -> Option<(usize, u32)> {
    let first = *bytes.first()?;
    let letter = if first < 0x80 { first } else { *bytes.get(1)? };
    let last = *bytes.last()?;
    let slot = (usize::from(letter & 0x3F) << 6) | usize::from(last & 0x3F);
    Some((slot, 1u32 << bytes.len().min(31)))
}

/// Look a normalised word (UTF-8 bytes) up.
#[inline]
pub(crate) fn get(word: &[u8]) -> Option<Kw> {
    let (slot, bit) = prefilter_slot(word)?;
    if PREFILTER[slot] & bit == 0 {
        return None;
    }
    TABLE.get(word).copied()
}

/// [`get`] of an ASCII word, lower-cased into `buf` only when the prefilter lets it through
/// (the prefilter reads the first and last letters, and the length, which lower-casing keeps).
#[inline]
pub(crate) fn get_ascii(word: &[u8], buf: &mut Vec<u8>) -> Option<Kw> {
    let (&first, &last) = (word.first()?, word.last()?);
    // [`prefilter_slot`] of the lower-cased word.
    let slot = (usize::from(first.to_ascii_lowercase() & 0x3F) << 6)
        | usize::from(last.to_ascii_lowercase() & 0x3F);
    if PREFILTER[slot] & (1u32 << word.len().min(31)) == 0 {
        return None;
    }
    buf.clear();
    buf.extend(word.iter().map(u8::to_ascii_lowercase));
    TABLE.get(buf.as_slice()).copied()
}

fn build() -> Table {
    use Form::*;
    use Kw::*;
    let mut t = Table::default();
    let mut add = |words: &[&'static str], kw: Kw| {
        for w in words {
            let prev = t.insert(w.as_bytes(), kw);
            debug_assert!(prev.is_none(), "duplicate lexicon key {w}");
        }
    };
    // Relative days.
    add(&["اليوم", "today", "tonight"], Today);
    add(&["امس", "الامس", "البارحه", "yesterday"], Yesterday);
    add(&["غدا", "tomorrow"], Tomorrow);
    add(&["غد"], Ghad);
    add(&["اول"], Awwal);
    add(&["من"], Min);
    add(&["of"], Of);
    add(&["the"], The);
    add(&["ago"], Ago);
    add(&["قبل"], Qabl);
    add(&["منذ"], Mundh);
    add(&["بعد"], Bad);
    add(&["before"], Before);
    add(&["after"], After);
    add(&["الموافق", "الموافقه"], Muwafiq);
    // Weekdays (0 = Monday).
    add(&["الاثنين", "monday"], Weekday(0));
    add(&["الثلاثاء", "الثلاثا", "tuesday"], Weekday(1));
    add(&["الاربعاء", "الاربعا", "wednesday"], Weekday(2));
    add(&["الخميس", "thursday"], Weekday(3));
    add(&["الجمعه", "friday"], Weekday(4));
    add(&["السبت", "saturday"], Weekday(5));
    add(&["الاحد", "sunday"], Weekday(6));
    // Units.
    add(&["يوم", "يوما", "day"], Unit(self::Unit::Day, Indef));
    add(&["ايام", "days"], Unit(self::Unit::Day, Plural));
    add(&["يومين", "يومان"], Unit(self::Unit::Day, Dual));
    add(&["اسبوع", "اسبوعا", "week"], Unit(self::Unit::Week, Indef));
    add(&["الاسبوع"], Unit(self::Unit::Week, Def));
    add(&["اسبوعين", "اسبوعان"], Unit(self::Unit::Week, Dual));
    add(&["اسابيع", "weeks"], Unit(self::Unit::Week, Plural));
    add(&["شهر", "شهرا", "month"], Unit(self::Unit::Month, Indef));
    add(&["الشهر"], Unit(self::Unit::Month, Def));
    add(&["شهرين", "شهران"], Unit(self::Unit::Month, Dual));
    add(&["اشهر", "شهور", "months"], Unit(self::Unit::Month, Plural));
    add(
        &["عام", "عاما", "سنه", "year"],
        Unit(self::Unit::Year, Indef),
    );
    add(&["العام", "السنه"], Unit(self::Unit::Year, Def));
    add(
        &["عامين", "عامان", "سنتين", "سنتان"],
        Unit(self::Unit::Year, Dual),
    );
    add(
        &["اعوام", "سنوات", "سنين", "years"],
        Unit(self::Unit::Year, Plural),
    );
    // Relative modifiers.
    add(
        &[
            "الماضي",
            "الماضيه",
            "الفائت",
            "الفائته",
            "المنصرم",
            "المنصرمه",
            "last",
            "past",
        ],
        Rel(self::Rel::Past),
    );
    add(
        &[
            "الجاري",
            "الجاريه",
            "الحالي",
            "الحاليه",
            "هذا",
            "هذه",
            "this",
            "current",
        ],
        Rel(self::Rel::This),
    );
    add(
        &["المقبل", "المقبله", "القادم", "القادمه", "next", "coming"],
        Rel(self::Rel::Next),
    );
    add(
        &["مطلع", "بدايه", "اوائل", "مستهل", "early"],
        Part(self::Part::Early),
    );
    add(&["منتصف", "اواسط", "mid", "middle"], Part(self::Part::Mid));
    add(&["اواخر", "نهايه", "late"], Part(self::Part::Late));
    // Gregorian months: Egyptian/Gulf, Levantine, Maghrebi, English.
    let greg: [(&[&'static str], u8, bool); 12] = [
        (&["يناير", "جانفي", "january"], 1, false),
        (&["فبراير", "شباط", "فيفري", "february"], 2, false),
        (&["اذار", "march"], 3, false),
        (&["ابريل", "افريل", "نيسان", "april"], 4, false),
        (&["مايو", "ايار", "may"], 5, false),
        (&["يونيو", "يونيه", "حزيران", "جوان", "june"], 6, false),
        (&["يوليو", "يوليه", "تموز", "جويليه", "july"], 7, false),
        (&["اغسطس", "august"], 8, false),
        (&["سبتمبر", "ايلول", "september"], 9, false),
        (&["اكتوبر", "october"], 10, false),
        (&["نوفمبر", "november"], 11, false),
        (&["ديسمبر", "december"], 12, false),
    ];
    for (words, m, strict) in greg {
        add(words, GMonth(m, strict));
    }
    // Month names that are also ordinary words need a day or a year.
    add(&["مارس", "mar"], GMonth(3, true));
    add(&["اب", "اوت", "aug"], GMonth(8, true));
    add(&["ماي"], GMonth(5, true));
    add(&["jan"], GMonth(1, true));
    add(&["feb"], GMonth(2, true));
    add(&["apr"], GMonth(4, true));
    add(&["jun"], GMonth(6, true));
    add(&["jul"], GMonth(7, true));
    add(&["sep", "sept"], GMonth(9, true));
    add(&["oct"], GMonth(10, true));
    add(&["nov"], GMonth(11, true));
    add(&["dec"], GMonth(12, true));
    add(&["كانون"], Kanun);
    add(&["تشرين"], Tishrin);
    // Hijri months.
    add(&["محرم"], HMonth(1, false));
    add(&["صفر"], HMonth(2, true));
    add(&["ربيع"], Rabi);
    add(&["جمادي"], Jumada);
    add(&["رجب"], HMonth(7, true));
    add(&["شعبان"], HMonth(8, false));
    add(&["رمضان"], HMonth(9, false));
    add(&["شوال"], HMonth(10, false));
    add(&["ذو", "ذي"], Dhu);
    add(&["القعده"], Qida);
    add(&["الحجه"], Hijja);
    add(&["الاخر", "الاخره"], AlAkhir);
    // Ordinals.
    add(&["الاول", "الاولي"], Ordinal(1));
    add(&["الثاني", "الثانيه"], Ordinal(2));
    add(&["الثالث"], Ordinal(3));
    add(&["الرابع"], Ordinal(4));
    add(&["الخامس"], Ordinal(5));
    add(&["السادس"], Ordinal(6));
    add(&["السابع"], Ordinal(7));
    add(&["الثامن"], Ordinal(8));
    add(&["التاسع"], Ordinal(9));
    add(&["العاشر"], Ordinal(10));
    add(&["الحادي"], Hadi);
    add(&["العشرين"], Twenty);
    add(&["الثلاثين"], Thirty);
    add(&["st", "nd", "rd", "th"], OrdSuffix);
    // Cardinals.
    add(&["واحد", "one", "a", "an"], NumWord(1));
    add(&["two"], NumWord(2));
    add(&["ثلاثه", "ثلاث", "three"], NumWord(3));
    add(&["اربعه", "اربع", "four"], NumWord(4));
    add(&["خمسه", "خمس", "five"], NumWord(5));
    add(&["سته", "ست", "six"], NumWord(6));
    add(&["سبعه", "سبع", "seven"], NumWord(7));
    add(&["ثمانيه", "ثماني", "ثمان", "eight"], NumWord(8));
    add(&["تسعه", "تسع", "nine"], NumWord(9));
    add(&["عشره", "عشر", "ten"], NumWord(10));
    add(&["eleven"], NumWord(11));
    add(&["twelve"], NumWord(12));
    add(&["عده", "بضعه", "بضع", "several"], Vague);
    add(&["few"], Few);
    // Calendar markers.
    add(
        &["ه", "هجري", "هجريه", "الهجري", "الهجريه", "الهجره"],
        HijriMark,
    );
    add(
        &["م", "ميلادي", "ميلاديه", "الميلادي", "الميلاديه", "الميلاد"],
        GregMark,
    );
    add(
        &[
            "في",
            "خلال",
            "حتي",
            "بحلول",
            "in",
            "during",
            "since",
            "until",
            "till",
            "by",
            "on",
            "from",
        ],
        Cue,
    );
    add(
        &["صباح", "مساء", "ظهر", "عصر", "فجر", "ظهيره", "صبيحه"],
        ArDayPart,
    );
    add(&["morning", "afternoon", "evening"], EnDayPart(false));
    add(&["night"], EnDayPart(true));
    add(
        &[
            "التالي",
            "التاليه",
            "السابق",
            "نفسه",
            "ذاته",
            "الوطني",
            "العالمي",
            "الدولي",
            "الاخير",
        ],
        NotToday,
    );
    add(&["earlier"], Earlier);
    add(&["later"], Later);
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_normalised() {
        for k in TABLE.keys() {
            let k = std::str::from_utf8(k).expect("keys are text");
            let mut buf = String::new();
            for c in k.chars() {
                if let Some(n) = crate::token::normalize_char(c) {
                    buf.push(n);
                }
            }
            assert_eq!(&buf, k, "lexicon key {k} is not in normal form");
        }
    }

    #[test]
    fn lookups() {
        assert_eq!(get("امس".as_bytes()), Some(Kw::Yesterday));
        assert_eq!(get("الثلاثاء".as_bytes()), Some(Kw::Weekday(1)));
        assert_eq!(get("شباط".as_bytes()), Some(Kw::GMonth(2, false)));
        assert_eq!(get("nothing".as_bytes()), None);
        assert!(*MAX_KEY_BYTES >= "الميلاديه".len());
    }
}
