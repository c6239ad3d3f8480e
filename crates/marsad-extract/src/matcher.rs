//! One Aho-Corasick automaton over every normalised pattern (triggers, actors, titles, cues,
//! places), scanned once per document, and the word-boundary and clitic rules that decide whether
//! a raw match is a hit: Arabic proclitics before (و ف ب ل ك ال س), enclitics and endings after.

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use crate::lexicon::{Affixes, EntryRef, Pattern};
use crate::normalize::{is_arabic, is_word_char};
use crate::Error;

/// A validated match in the normalised text (byte offsets).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    pub start: usize,
    /// End including any accepted suffix (the end of the word).
    pub end: usize,
    pub entry: EntryRef,
    /// Whether an Arabic imperfect-verb prefix was read (ي ت ن ا): present or future tense.
    pub imperfect: bool,
    /// Whether the future prefix س was read.
    pub future: bool,
}

/// The compiled patterns.
pub struct Matcher {
    automaton: AhoCorasick,
    /// For each distinct pattern text: what it points to.
    targets: Vec<Vec<(EntryRef, Affixes)>>,
}

impl std::fmt::Debug for Matcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Matcher")
            .field("patterns", &self.targets.len())
            .finish()
    }
}

impl Matcher {
    pub fn build(patterns: &[Pattern]) -> Result<Self, Error> {
        let mut index: HashMap<&str, usize> = HashMap::with_capacity(patterns.len());
        let mut texts: Vec<&str> = Vec::new();
        let mut targets: Vec<Vec<(EntryRef, Affixes)>> = Vec::new();
        for p in patterns {
            let i = *index.entry(p.text.as_str()).or_insert_with(|| {
                texts.push(p.text.as_str());
                targets.push(Vec::new());
                texts.len() - 1
            });
            if !targets[i].contains(&(p.entry, p.affixes)) {
                targets[i].push((p.entry, p.affixes));
            }
        }
        let automaton = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .build(&texts)
            .map_err(|e| Error::Lexicon {
                path: "<patterns>".to_owned(),
                line: 0,
                message: e.to_string(),
            })?;
        Ok(Self { automaton, targets })
    }

    pub fn pattern_count(&self) -> usize {
        self.targets.len()
    }

    /// Every validated hit in `text` (normalised), in no particular order.
    pub fn find(&self, text: &str, out: &mut Vec<Hit>) {
        for m in self.automaton.find_overlapping_iter(text) {
            let (start, end) = (m.start(), m.end());
            let before = &text[..start];
            let after = &text[end..];
            let first = text[start..].chars().next().unwrap_or(' ');
            let last = text[..end].chars().next_back().unwrap_or(' ');
            // A pattern that does not start (end) with a word char needs no boundary there.
            let prefix = if is_word_char(first) {
                word_tail(before)
            } else {
                ""
            };
            let suffix = if is_word_char(last) {
                word_head(after)
            } else {
                ""
            };
            let arabic = is_arabic(first);
            for &(entry, affixes) in &self.targets[m.pattern().as_usize()] {
                let Some((imperfect, future)) = prefix_ok(prefix, arabic, affixes) else {
                    continue;
                };
                let Some(suffix_len) = suffix_ok(suffix, arabic || is_arabic(last), affixes) else {
                    continue;
                };
                // The article belongs to the name's text: "الرياض", not "رياض".
                let start = if arabic && (prefix.ends_with("ال")) {
                    start - "ال".len()
                } else {
                    start
                };
                out.push(Hit {
                    start,
                    end: end + suffix_len,
                    entry,
                    imperfect,
                    future,
                });
            }
        }
    }
}

/// The word chars immediately before a position (at most 6).
fn word_tail(before: &str) -> &str {
    let mut start = before.len();
    for (n, (i, c)) in before.char_indices().rev().enumerate() {
        if !is_word_char(c) || n >= 6 {
            break;
        }
        start = i;
    }
    &before[start..]
}

/// The word chars immediately after a position (the whole rest of the word).
fn word_head(after: &str) -> &str {
    let end = after
        .char_indices()
        .find(|&(_, c)| !is_word_char(c))
        .map_or(after.len(), |(i, _)| i);
    &after[..end]
}

/// Whether the chars before a match inside its word are acceptable proclitics; returns
/// (imperfect, future) for verbs.
fn prefix_ok(prefix: &str, arabic: bool, affixes: Affixes) -> Option<(bool, bool)> {
    if prefix.is_empty() {
        return Some((false, false));
    }
    if !arabic {
        return None;
    }
    let mut rest = prefix;
    for conj in ["و", "ف"] {
        if let Some(r) = rest.strip_prefix(conj) {
            rest = r;
            break;
        }
    }
    if rest.is_empty() {
        return Some((false, false));
    }
    if affixes == Affixes::Verb {
        let (r, future) = match rest.strip_prefix('س') {
            Some(r) => (r, true),
            None => match rest.strip_prefix('ل') {
                Some(r) => (r, false),
                None => (rest, false),
            },
        };
        if r.is_empty() && !future {
            return Some((false, false));
        }
        if matches!(r, "ي" | "ت" | "ن" | "ا") {
            return Some((true, future));
        }
    }
    let ok = matches!(
        rest,
        "ب" | "ل" | "ك" | "ال" | "بال" | "كال" | "لل" | "س" | "وال"
    );
    ok.then_some((false, false))
}

const ARABIC_SUFFIX_LETTERS: &str = "اتنويهمك";

/// Accepts the rest of the word after a match; returns how many bytes it adds.
fn suffix_ok(suffix: &str, arabic: bool, affixes: Affixes) -> Option<usize> {
    if suffix.is_empty() {
        return Some(0);
    }
    if affixes == Affixes::Prefix {
        return Some(suffix.len());
    }
    let ok = if arabic {
        match affixes {
            Affixes::Name => false,
            Affixes::Nisba => matches!(
                suffix,
                "ه" | "ين" | "ون" | "ان" | "تين" | "تان" | "يين" | "ات"
            ),
            _ => {
                suffix.chars().count() <= 4
                    && suffix.chars().all(|c| ARABIC_SUFFIX_LETTERS.contains(c))
            }
        }
    } else {
        match affixes {
            Affixes::Name => matches!(suffix, "s"),
            Affixes::Nisba => matches!(suffix, "s" | "n" | "ns"),
            _ => matches!(
                suffix,
                "s" | "es" | "ed" | "d" | "ing" | "ning" | "ting" | "ped" | "ted"
            ),
        }
    };
    ok.then_some(suffix.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::Lexicon;

    fn hits(lexicon_tsv: &str, text: &str) -> Vec<(usize, usize)> {
        let mut lex = Lexicon::default();
        lex.read_triggers("t", lexicon_tsv).unwrap();
        let m = Matcher::build(&lex.patterns).unwrap();
        let n = crate::normalize::normalize(text);
        let mut out = Vec::new();
        m.find(&n.text, &mut out);
        out.iter()
            .map(|h| (n.orig_char(h.start), n.orig_char(h.end)))
            .collect()
    }

    #[test]
    fn arabic_clitics_are_accepted_and_inner_matches_refused() {
        // و + ال + اجتماع + ات: the article belongs to the span, the conjunction does not
        assert_eq!(hits("ar\tMEETING\tاجتماع\n", "والاجتماعات"), vec![(1, 11)]);
        // "بالاجتماع" accepted; "ماجتماع" (not a clitic) refused.
        assert_eq!(hits("ar\tMEETING\tاجتماع\n", "بالاجتماع ماجتماع").len(), 1);
    }

    #[test]
    fn verbs_take_imperfect_prefixes_and_report_them() {
        let mut lex = Lexicon::default();
        lex.read_triggers("t", "ar\tATTACK\tهاجم\tpos=v\n").unwrap();
        let m = Matcher::build(&lex.patterns).unwrap();
        let mut out = Vec::new();
        m.find("وسيهاجمون", &mut out);
        assert_eq!(out.len(), 1);
        assert!(out[0].imperfect && out[0].future);
    }

    #[test]
    fn english_words_need_boundaries() {
        assert_eq!(
            hits("en\tATTACK\tattack\n", "attacked counterattack").len(),
            1
        );
        assert_eq!(
            hits("en\tPEACEFUL_PROTEST\tprotest*\n", "protesters").len(),
            1
        );
    }
}
