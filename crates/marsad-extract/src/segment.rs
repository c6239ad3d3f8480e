//! Lines, page furniture and sentences of the normalised text. Sentences come from
//! `unicode-segmentation` (UAX #29, which knows the Arabic question mark and full stop), cut again
//! at line breaks; furniture lines (share widgets, "read also", suggested articles, repeated
//! titles) are marked so that nothing is read from them.

use unicode_segmentation::UnicodeSegmentation;

/// A sentence of the normalised text (byte offsets).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sentence {
    pub start: usize,
    pub end: usize,
}

/// Byte ranges of the lines of `text` (without their line breaks).
pub fn lines(text: &str) -> Vec<(usize, usize)> {
    // Sized once (the newlines counted with vector instructions), not grown line by line.
    let mut out = Vec::with_capacity(memchr::memchr_iter(b'\n', text.as_bytes()).count() + 1);
    let mut start = 0;
    // Searched with vector instructions (a newline byte is always a newline char in UTF-8).
    for i in memchr::memchr_iter(b'\n', text.as_bytes()) {
        out.push((start, i));
        start = i + 1;
    }
    out.push((start, text.len()));
    out
}

/// The lines that are page furniture: those that open with a furniture cue (given as the starts
/// of furniture cue hits), short label lines ending in a colon, lines repeated in the document and
/// lines that repeat the title.
pub fn furniture_lines(
    text: &str,
    lines: &[(usize, usize)],
    furniture_cue_starts: &[usize],
    title: Option<&str>,
) -> Vec<bool> {
    // Repeated lines (of 12 chars or more): only lines of the same length can repeat one another,
    // so only those are compared.
    let trimmed: Vec<&str> = lines.iter().map(|&(s, e)| text[s..e].trim()).collect();
    let mut by_len: Vec<(usize, usize)> = trimmed
        .iter()
        .enumerate()
        .filter(|(_, l)| l.len() >= 12)
        .map(|(i, l)| (l.len(), i))
        .collect();
    by_len.sort_unstable();
    let mut repeated = vec![false; lines.len()];
    for group in by_len.chunk_by(|a, b| a.0 == b.0).filter(|g| g.len() > 1) {
        for (k, &(_, i)) in group.iter().enumerate() {
            if trimmed[i].chars().nth(11).is_none() {
                continue;
            }
            if group
                .iter()
                .enumerate()
                .any(|(k2, &(_, j))| k2 != k && trimmed[j] == trimmed[i])
            {
                repeated[i] = true;
            }
        }
    }
    let title = title.map(str::trim).filter(|t| !t.is_empty());
    lines
        .iter()
        .zip(&trimmed)
        .zip(&repeated)
        .map(|((&(s, e), &line), &repeated)| {
            if line.is_empty() {
                return false;
            }
            let lead = s + (text[s..e].len() - text[s..e].trim_start().len());
            let cue_opens = furniture_cue_starts
                .iter()
                .any(|&c| c >= lead && c <= lead + 2);
            let label = lines.len() > 1
                && line.split_whitespace().nth(4).is_none()
                && (line.ends_with(':') || !line.chars().any(|c| matches!(c, '.' | '!' | '?')));
            cue_opens || label || repeated || title.is_some_and(|t| t == line)
        })
        .collect()
}

/// The sentences of one line of original text: (byte offset, trimmed sentence).
pub fn sentences_of_line(line: &str) -> impl Iterator<Item = (usize, &str)> {
    // Where sentences start after the first (the same pieces either way: consecutive, covering
    // the line); the pieces are read between them, not collected.
    let breaks: Vec<usize> = fast_sentence_breaks(line).unwrap_or_else(|| {
        line.split_sentence_bound_indices()
            .map(|(offset, _)| offset)
            .filter(|&offset| offset > 0)
            .collect()
    });
    let mut start = 0;
    breaks
        .into_iter()
        .chain([line.len()])
        .filter_map(move |end| {
            let piece_start = start;
            start = end;
            if end <= piece_start {
                return None;
            }
            let sentence = &line[piece_start..end];
            let lead = sentence.len() - sentence.trim_start().len();
            let trimmed = sentence.trim();
            (!trimmed.is_empty()).then_some((piece_start + lead, trimmed))
        })
}

/// UAX #29 sentence-break categories of the chars the fast splitter knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SCat {
    Any,
    Sp,
    Lower,
    Upper,
    OLetter,
    Numeric,
    ATerm,
    STerm,
    Close,
    SContinue,
    Extend,
}

/// The category of a char, for ASCII and the common Arabic letters, marks and punctuation;
/// `None` for anything else (the line then goes to `unicode-segmentation`).
#[inline]
fn scat(c: char) -> Option<SCat> {
    Some(match c {
        'a'..='z' => SCat::Lower,
        'A'..='Z' => SCat::Upper,
        '0'..='9' | '\u{0660}'..='\u{0669}' => SCat::Numeric,
        ' ' | '\t' | '\u{000B}' | '\u{000C}' | '\u{00A0}' => SCat::Sp,
        '.' => SCat::ATerm,
        '!' | '?' | '\u{061F}' => SCat::STerm,
        ',' | '-' | ':' | ';' | '\u{060C}' | '\u{2013}' | '\u{2014}' => SCat::SContinue,
        '"' | '\'' | '(' | ')' | '[' | ']' | '{' | '}' | '\u{00AB}' | '\u{00BB}' | '\u{2018}'
        | '\u{2019}' | '\u{201C}' | '\u{201D}' => SCat::Close,
        '\u{0621}'..='\u{063A}' | '\u{0640}'..='\u{064A}' => SCat::OLetter,
        '\u{064B}'..='\u{0652}' => SCat::Extend,
        '\r' => return None,
        c if c.is_ascii() || c == '\u{061B}' => SCat::Any,
        _ => return None,
    })
}

/// [`scat`] of the ASCII chars.
fn ascii_cats() -> &'static [Option<SCat>; 128] {
    static TABLE: std::sync::OnceLock<[Option<SCat>; 128]> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table = [None; 128];
        for (b, slot) in table.iter_mut().enumerate() {
            *slot = scat(char::from(b as u8));
        }
        table
    })
}

/// [`scat`] of the Arabic block (U+0600..U+06FF) by offset.
fn arabic_cats() -> &'static [Option<SCat>; 256] {
    static TABLE: std::sync::OnceLock<[Option<SCat>; 256]> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table = [None; 256];
        for (offset, slot) in table.iter_mut().enumerate() {
            *slot = char::from_u32(0x600 + offset as u32).and_then(scat);
        }
        table
    })
}

/// The sentence breaks (byte offsets, start and end excluded) of a line by the rules of UAX #29
/// (SB5 to SB11; a line has no paragraph separators), or `None` when the line has a char outside
/// the fast table. Same result as `unicode-segmentation` (tested), several times faster.
///
/// One pass over the chars, Extend attached to the char before it (SB5). Only what follows a
/// terminator is read by the rules: its closing punctuation and spaces, then the char after them
/// (`next`); SB8 looks further, up to the first letter or terminator, so a break it may forbid
/// stays pending until then (always before the next terminator).
fn fast_sentence_breaks(line: &str) -> Option<Vec<usize>> {
    // A line without terminators has no breaks, if all its chars are known.
    let bytes = line.as_bytes();
    // "." "!" "?" and the last byte of "؟" (searched with vector instructions).
    let terminator_byte =
        memchr::memchr3(b'.', b'!', b'?', bytes).is_some() || memchr::memchr(0x9F, bytes).is_some();
    if !terminator_byte {
        let known = bytes.iter().all(|&b| b < 0x80 && b != b'\r')
            || line.chars().all(|c| scat(c).is_some());
        return known.then(Vec::new);
    }
    let ascii = ascii_cats();
    let arabic = arabic_cats();
    // Every char known, checked once: the scan below then jumps from a terminator to the next.
    if !all_known(line, ascii, arabic) {
        return None;
    }
    let mut terminators = Terminators::new(bytes);
    let mut breaks = Vec::new();
    // The category of the char before, none at the start.
    let mut prev: Option<SCat> = None;
    // A terminator being read past: its closing punctuation and spaces.
    let mut term: Option<Terminator> = None;
    // A break that SB8 may still forbid (its byte offset).
    let mut pending: Option<usize> = None;
    let mut i = 0;
    while i < bytes.len() {
        if term.is_none() && pending.is_none() {
            // Nothing pending: the chars up to the next terminator only set `prev`, to the
            // category of the last of them (Extend attached to the char before it).
            let Some(next) = terminators.next_from(i) else {
                break;
            };
            if next > i {
                prev = match last_cat_before(line, i, next, ascii, arabic) {
                    Some(cat) => Some(cat),
                    None => prev.or(Some(SCat::Any)),
                };
                i = next;
            }
        }
        let (cat, len) = cat_at(line, i, ascii, arabic)?;
        let at = i;
        i += len;
        let cat = match cat {
            SCat::Extend if prev.is_some() => continue,
            SCat::Extend => SCat::Any,
            cat => cat,
        };
        if let Some(t) = &mut term {
            match (t.spaces, cat) {
                (false, SCat::Close) => {
                    t.adjacent = false;
                    prev = Some(cat);
                    continue;
                }
                (_, SCat::Sp) => {
                    t.spaces = true;
                    t.adjacent = false;
                    prev = Some(cat);
                    continue;
                }
                _ => {}
            }
            // `cat` is the char after the terminator, its closing punctuation and spaces.
            let Terminator {
                aterm,
                before,
                adjacent,
                ..
            } = *t;
            term = None;
            // SB6: ATerm × Numeric; SB7: (Upper|Lower) ATerm × Upper.
            let sb6 = aterm && adjacent && cat == SCat::Numeric;
            let sb7 = aterm
                && adjacent
                && cat == SCat::Upper
                && matches!(before, Some(SCat::Upper | SCat::Lower));
            // SB8a: SATerm Close* Sp* × (SContinue | SATerm).
            let sb8a = matches!(cat, SCat::SContinue | SCat::ATerm | SCat::STerm);
            if !(sb6 || sb7 || sb8a) {
                if aterm {
                    pending = Some(at);
                } else {
                    breaks.push(at);
                }
            }
        }
        // SB8: ATerm Close* Sp* × (¬(OLetter|Upper|Lower|SATerm))* Lower.
        if let Some(at) = pending {
            if matches!(
                cat,
                SCat::OLetter | SCat::Upper | SCat::Lower | SCat::ATerm | SCat::STerm
            ) {
                if cat != SCat::Lower {
                    breaks.push(at);
                }
                pending = None;
            }
        }
        if matches!(cat, SCat::ATerm | SCat::STerm) {
            term = Some(Terminator {
                aterm: cat == SCat::ATerm,
                before: prev,
                spaces: false,
                adjacent: true,
            });
        }
        prev = Some(cat);
    }
    // A terminator at the end of the line breaks nothing; SB8 found no lower-case letter.
    if let Some(at) = pending {
        breaks.push(at);
    }
    Some(breaks)
}

/// The category and length of the char at byte `i` of `line` (`None`: unknown).
#[inline(always)]
fn cat_at(
    line: &str,
    i: usize,
    ascii: &[Option<SCat>; 128],
    arabic: &[Option<SCat>; 256],
) -> Option<(SCat, usize)> {
    let bytes = line.as_bytes();
    let b = bytes[i];
    if b < 0x80 {
        Some((ascii[usize::from(b)]?, 1))
    } else if (0xD8..=0xDB).contains(&b) && i + 1 < bytes.len() {
        // The Arabic block, two bytes.
        let offset = (usize::from(b & 0x03) << 6) | usize::from(bytes[i + 1] & 0x3F);
        Some((arabic[offset]?, 2))
    } else {
        let c = line[i..].chars().next()?;
        Some((scat(c)?, c.len_utf8()))
    }
}

/// Whether every char of `line` has a category ([`scat`]).
fn all_known(line: &str, ascii: &[Option<SCat>; 128], arabic: &[Option<SCat>; 256]) -> bool {
    let bytes = line.as_bytes();
    // An ASCII line: every char but the carriage return is known.
    if bytes.iter().all(|&b| b < 0x80 && b != b'\r') {
        return true;
    }
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let known = if b < 0x80 {
            i += 1;
            ascii[usize::from(b)].is_some()
        } else if (0xD8..=0xDB).contains(&b) && i + 1 < bytes.len() {
            let offset = (usize::from(b & 0x03) << 6) | usize::from(bytes[i + 1] & 0x3F);
            i += 2;
            arabic[offset].is_some()
        } else {
            match cat_at(line, i, ascii, arabic) {
                Some((_, len)) => {
                    i += len;
                    true
                }
                None => false,
            }
        };
        if !known {
            return false;
        }
    }
    true
}

/// The category of the last char of `line[from..to]` that is not Extend (`None`: there is none;
/// every char known).
fn last_cat_before(
    line: &str,
    from: usize,
    to: usize,
    ascii: &[Option<SCat>; 128],
    arabic: &[Option<SCat>; 256],
) -> Option<SCat> {
    line[from..to]
        .char_indices()
        .rev()
        .filter_map(|(k, _)| cat_at(line, from + k, ascii, arabic))
        .map(|(cat, _)| cat)
        .find(|&cat| cat != SCat::Extend)
}

/// The terminators of a line ("." "!" "?" "؟"), found with vector instructions and read in order.
struct Terminators<'a> {
    bytes: &'a [u8],
    /// The next "." "!" or "?" at or after the last position asked for (`None`: none left).
    ascii: Option<usize>,
    /// The next "؟" likewise.
    arabic: Option<usize>,
}

impl<'a> Terminators<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Self {
            bytes,
            ascii: memchr::memchr3(b'.', b'!', b'?', bytes),
            arabic: Self::arabic_from(bytes, 0),
        }
    }

    /// The first "؟" (D8 9F) at or after `from` (a char boundary): its second byte searched.
    fn arabic_from(bytes: &[u8], from: usize) -> Option<usize> {
        memchr::memchr_iter(0x9F, &bytes[from..])
            .map(|k| from + k)
            .find(|&k| k > from && bytes[k - 1] == 0xD8)
            .map(|k| k - 1)
    }

    /// The byte offset of the first terminator at or after `from` (a char boundary).
    fn next_from(&mut self, from: usize) -> Option<usize> {
        if self.ascii.is_some_and(|a| a < from) {
            self.ascii = memchr::memchr3(b'.', b'!', b'?', &self.bytes[from..]).map(|k| from + k);
        }
        if self.arabic.is_some_and(|a| a < from) {
            self.arabic = Self::arabic_from(self.bytes, from);
        }
        match (self.ascii, self.arabic) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}

/// A terminator read by [`fast_sentence_breaks`], and what has followed it.
#[derive(Debug, Clone, Copy)]
struct Terminator {
    /// Whether it is a full stop (ATerm), not a question or exclamation mark (STerm).
    aterm: bool,
    /// The category of the char before it.
    before: Option<SCat>,
    /// Whether spaces have followed (no closing punctuation may come after them).
    spaces: bool,
    /// Whether nothing has followed yet.
    adjacent: bool,
}

/// The sentences of the non-furniture lines.
pub fn sentences(text: &str, lines: &[(usize, usize)], furniture: &[bool]) -> Vec<Sentence> {
    let mut out = Vec::new();
    for (&(ls, le), &skip) in lines.iter().zip(furniture) {
        if skip || ls == le {
            continue;
        }
        for (offset, sentence) in text[ls..le].split_sentence_bound_indices() {
            let trimmed_start = sentence.len() - sentence.trim_start().len();
            let start = ls + offset + trimmed_start;
            let end = ls + offset + sentence.trim_end().len();
            if end > start {
                out.push(Sentence { start, end });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arabic_question_marks_end_sentences_and_lines_split() {
        let text = "هل وقع الهجوم? نعم وقع.\nسطر ثان";
        let ls = lines(text);
        let f = vec![false; ls.len()];
        let s = sentences(text, &ls, &f);
        assert_eq!(s.len(), 3);
        assert_eq!(&text[s[0].start..s[0].end], "هل وقع الهجوم?");
    }

    fn reference(line: &str) -> Vec<(usize, &str)> {
        line.split_sentence_bound_indices()
            .filter_map(|(offset, sentence)| {
                let lead = sentence.len() - sentence.trim_start().len();
                let trimmed = sentence.trim();
                (!trimmed.is_empty()).then_some((offset + lead, trimmed))
            })
            .collect()
    }

    #[test]
    fn fast_sentences_agree_with_unicode_segmentation() {
        let alphabet: Vec<char> = "aZb.!?,-:;\"'()[]{} \t0١.؟،؛«»“”‘’–—\u{a0}اةىبلمنـًٌَُِّْ/%#é中\r…"
            .chars()
            .collect();
        let mut next = crate::test_rng::xorshift(0x1234_5678_9abc_def1);
        for _ in 0..100_000 {
            // Mostly short lines (every rule), some long (jumps between terminators).
            let len = (next() % 14) as usize + if next().is_multiple_of(4) { 40 } else { 0 };
            let line: String = (0..len)
                .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                .collect();
            let fast: Vec<(usize, &str)> = sentences_of_line(&line).collect();
            assert_eq!(fast, reference(&line), "{line:?}");
        }
        for line in [
            "Mr. Smith met U.S. envoys. They said: \"fine.\" Then (he left.) 3.5 km",
            "قال المبعوث. «انتهى الأمر.» ثم غادر؟ نعم! etc. and more",
            "e.g. this. A test... of it.) Next",
        ] {
            let fast: Vec<(usize, &str)> = sentences_of_line(line).collect();
            assert_eq!(fast, reference(line), "{line:?}");
        }
    }

    #[test]
    fn repeated_lines_and_labels_are_furniture() {
        let text = "عنوان طويل بما يكفي للتكرار\n\nعنوان طويل بما يكفي للتكرار\nحجم الخط:\nنص المقال هنا طويل وفيه جملة كاملة.";
        let ls = lines(text);
        let f = furniture_lines(text, &ls, &[], None);
        assert_eq!(f, vec![true, false, true, true, false]);
    }
}
