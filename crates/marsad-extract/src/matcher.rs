//! One trie over every normalised pattern (triggers, actors, titles, cues, places), walked once
//! from every position where a hit can start (word starts, and after Arabic proclitics), and the
//! word-boundary and clitic rules that decide whether a raw match is a hit: Arabic proclitics
//! before (و ف ب ل ك ال س), enclitics and endings after.

use std::collections::HashMap;

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
    /// Bytes of the word read past the pattern's end (an accepted suffix); 0 for an exact match.
    pub suffix: u16,
}

/// The compiled patterns.
pub struct Matcher {
    /// Every distinct pattern text, searched from the positions where a hit can start.
    trie: Trie,
    /// The pattern texts that have a verb entry, searched after a prefix only verbs take (ي ت ن
    /// ا: an imperfect verb), where nothing else could be a hit.
    verb_trie: Trie,
    /// For each distinct pattern text: what it points to.
    targets: Vec<Vec<(EntryRef, Affixes)>>,
    /// The first chars of patterns that do not start with a word char (they may start anywhere).
    loose_starts: Vec<char>,
    /// [`CharClass`] of the ASCII chars (index `c`) and of the Arabic block (index `0x80 + c -
    /// 0x600`), the chars of nearly every text, read from their bytes.
    common_classes: Vec<CharClass>,
}

/// What the scan of [`Matcher::find`] needs to know of a char.
#[derive(Debug, Clone, Copy)]
struct CharClass {
    /// Its trie symbol.
    symbol: u16,
    /// Whether it is a word char ([`is_word_char`]).
    word: bool,
    /// Whether it is Arabic ([`is_arabic`]).
    arabic: bool,
    /// Whether a pattern that does not open with a word char opens with it.
    loose_start: bool,
    /// Its proclitic digit ([`clitic_digit`]), 0 for none.
    clitic: u8,
}

impl std::fmt::Debug for Matcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Matcher")
            .field("patterns", &self.targets.len())
            .field("trie_nodes", &self.trie.nodes.len())
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
        let mut loose_starts: Vec<char> = texts
            .iter()
            .filter_map(|t| t.chars().next())
            .filter(|&c| !is_word_char(c))
            .collect();
        loose_starts.sort_unstable();
        loose_starts.dedup();
        let mut matcher = Self {
            trie: Trie::build(&texts, |_| true),
            verb_trie: Trie::build(&texts, |p| {
                targets[p].iter().any(|&(_, a)| a == Affixes::Verb)
            }),
            targets,
            loose_starts,
            common_classes: Vec::new(),
        };
        matcher.common_classes = (0u32..0x80)
            .chain(0x600..0x700)
            .map(|n| matcher.class_of(char::from_u32(n).unwrap_or('\0')))
            .collect();
        Ok(matcher)
    }

    /// The [`CharClass`] of any char.
    fn class_of(&self, c: char) -> CharClass {
        CharClass {
            symbol: self.trie.symbol(c),
            word: is_word_char(c),
            arabic: is_arabic(c),
            loose_start: self.loose_starts.binary_search(&c).is_ok(),
            clitic: clitic_digit(c).map_or(0, |d| d as u8),
        }
    }

    pub fn pattern_count(&self) -> usize {
        self.targets.len()
    }

    /// Every validated hit in `text` (normalised), ordered by end, then by start (the order of
    /// an overlapping Aho-Corasick scan).
    ///
    /// A hit starts at a word start, after an Arabic proclitic of at most four letters at the
    /// start of a word, or (for a pattern that does not open with a word char) anywhere its first
    /// char is; the trie is walked from those positions only, a few chars per word.
    pub fn find(&self, text: &str, out: &mut Vec<Hit>) {
        SCRATCH.with(|scratch| match scratch.try_borrow_mut() {
            Ok(mut scratch) => {
                self.find_with(text, &mut scratch, out);
                scratch.trim();
            }
            Err(_) => self.find_with(text, &mut Scratch::default(), out),
        });
    }

    fn find_with(&self, text: &str, scratch: &mut Scratch, out: &mut Vec<Hit>) {
        let Scratch {
            chars,
            starts,
            verb_starts,
            raw,
        } = scratch;
        chars.clear();
        starts.clear();
        verb_starts.clear();
        raw.clear();
        // One pass: the text as trie symbols with the byte offset of each char, and where a hit
        // can start (char indices): any pattern, or only verbs.
        chars.reserve(text.len());
        let mut in_word = false;
        // The word so far as a proclitic code (see [`clitic_code`]); `None` once it has a letter
        // no proclitic has, or is longer than any.
        let mut code: Option<usize> = None;
        let classes = prefix_classes();
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            // ASCII and the Arabic block (two bytes) by table, from their bytes; the rest decoded.
            let b = bytes[i];
            let (class, len) = if b < 0x80 {
                (self.common_classes[usize::from(b)], 1)
            } else if (0xD8..=0xDB).contains(&b) {
                let offset = (usize::from(b & 0x03) << 6) | usize::from(bytes[i + 1] & 0x3F);
                (self.common_classes[0x80 + offset], 2)
            } else {
                let c = text[i..].chars().next().unwrap_or('\0');
                (self.class_of(c), c.len_utf8())
            };
            let ci = chars.len() as u32;
            chars.push((i as u32, class.symbol));
            i += len;
            if !class.word {
                in_word = false;
                if class.loose_start {
                    starts.push(ci);
                }
                continue;
            }
            let clitic = (class.clitic != 0).then_some(usize::from(class.clitic));
            if !in_word {
                in_word = true;
                code = clitic;
                starts.push(ci);
                continue;
            }
            // Inside a word: only after a proclitic (at most four letters).
            let Some(prefix) = code else {
                continue;
            };
            if class.arabic {
                match classes[prefix] {
                    PREFIX_ANY => starts.push(ci),
                    PREFIX_VERB => verb_starts.push(ci),
                    _ => {}
                }
            }
            code = match clitic {
                Some(d) if prefix < CLITIC_CODES / CLITIC_BASE => Some(prefix * CLITIC_BASE + d),
                _ => None,
            };
        }
        let byte_at = |ci: usize| chars.get(ci).map_or(text.len(), |&(b, _)| b as usize);
        // (end << 32 | start, pattern): sorted, the order of an overlapping scan.
        let mut hit = |start: usize, end: usize, pattern: u32| {
            raw.push((
                ((byte_at(end) as u64) << 32) | byte_at(start) as u64,
                pattern,
            ));
        };
        self.trie.walk_all(chars, starts, &mut hit);
        self.verb_trie.walk_all(chars, verb_starts, &mut hit);
        raw.sort_unstable_by_key(|&(key, _)| key);
        self.validate(text, raw, out);
    }

    /// The hits of raw matches `(end << 32 | start, pattern)` (byte offsets), in their order:
    /// the boundary and clitic rules of each pattern's entries.
    fn validate(&self, text: &str, raw: &[(u64, u32)], out: &mut Vec<Hit>) {
        for &(key, pattern) in raw {
            let (start, end) = ((key & u64::from(u32::MAX)) as usize, (key >> 32) as usize);
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
            for &(entry, affixes) in &self.targets[pattern as usize] {
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
                    suffix: u16::try_from(suffix_len).unwrap_or(u16::MAX),
                });
            }
        }
    }
}

const NONE: u32 = u32::MAX;

/// The matcher's working buffers, kept per thread between documents (their allocation, and the
/// allocator's consolidation on each large request, cost more than the scan of a short text).
#[derive(Debug, Default)]
struct Scratch {
    chars: Vec<(u32, u16)>,
    starts: Vec<u32>,
    verb_starts: Vec<u32>,
    raw: Vec<(u64, u32)>,
}

impl Scratch {
    /// Gives back the memory of an unusually long document.
    fn trim(&mut self) {
        const KEEP: usize = 1 << 16;
        if self.chars.capacity() > 4 * KEEP {
            *self = Scratch::default();
        }
    }
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
}

/// A trie over the chars of the pattern texts. Chars are numbered symbols (0: in no pattern);
/// the children of a node are consecutive and sorted by symbol, and the root's children are found
/// through a table.
struct Trie {
    /// Symbols of ASCII chars (index `c`) and of the Arabic block (index `0x80 + c - 0x600`).
    common: Vec<u16>,
    /// Symbols of the other chars.
    other: HashMap<char, u16>,
    /// Dense child tables of the nodes with more than [`SCAN_MAX`] children, `symbols` entries
    /// each (child node or `NONE`); the root's is the first.
    dense: Vec<u32>,
    symbols: usize,
    /// The nodes; a node's children are consecutive, so that finding a child and reading it
    /// touch the same cache lines.
    nodes: Vec<Node>,
    /// Per node: the pattern it completes (`NONE`: none).
    patterns: Vec<u32>,
}

/// A trie node (8 bytes): its children `first..first + count` (`first` without the
/// [`HAS_PATTERN`] bit) and the symbol of the edge into it.
#[derive(Debug, Clone, Copy)]
struct Node {
    first: u32,
    sym: u16,
    count: u16,
}

/// Trie levels laid out breadth first (see [`Trie::build`]).
const BREADTH_FIRST_LEVELS: usize = 3;

/// The bit of [`Node::first`] set when the node completes a pattern.
const HAS_PATTERN: u32 = 1 << 31;
/// The bit of [`Node::first`] set when the rest of it is the offset of a dense child table (into
/// [`Trie::dense`]).
const DENSE: u32 = 1 << 30;
/// Children beyond which a node gets a dense table (a scan of a few is faster; a binary search
/// of many stalls on each probe).
const SCAN_MAX: usize = 8;

impl Trie {
    /// The trie of the texts for which `keep(index)` holds (pattern numbers are indices into
    /// `texts`, and the symbols are those of all of them, whichever are kept).
    fn build(texts: &[&str], keep: impl Fn(usize) -> bool) -> Self {
        let mut common = vec![0u16; 0x80 + 0x100];
        let mut other: HashMap<char, u16> = HashMap::new();
        let mut next_symbol: u32 = 1;
        let mut symbol_of = |c: char, common: &mut Vec<u16>| -> u16 {
            let slot = match c as u32 {
                n @ 0..=0x7F => Some(n as usize),
                n @ 0x600..=0x6FF => Some(0x80 + n as usize - 0x600),
                _ => None,
            };
            let existing = match slot {
                Some(i) => common[i],
                None => other.get(&c).copied().unwrap_or(0),
            };
            if existing != 0 {
                return existing;
            }
            let s = u16::try_from(next_symbol).unwrap_or(u16::MAX);
            next_symbol += 1;
            match slot {
                Some(i) => common[i] = s,
                None => {
                    other.insert(c, s);
                }
            }
            s
        };
        // A pointer trie first: children as (symbol, node) lists.
        let mut kids: Vec<Vec<(u16, u32)>> = vec![Vec::new()];
        let mut ends: Vec<u32> = vec![NONE];
        for text in texts {
            for c in text.chars() {
                symbol_of(c, &mut common);
            }
        }
        for (p, text) in texts.iter().enumerate().filter(|&(p, _)| keep(p)) {
            let mut node = 0usize;
            for c in text.chars() {
                let s = symbol_of(c, &mut common);
                node = match kids[node].iter().find(|&&(k, _)| k == s) {
                    Some(&(_, n)) => n as usize,
                    None => {
                        let n = kids.len();
                        kids.push(Vec::new());
                        ends.push(NONE);
                        kids[node].push((s, n as u32));
                        n
                    }
                };
            }
            if !text.is_empty() {
                ends[node] = p as u32;
            }
        }
        // Renumbering: a node's children are consecutive (one block). The blocks of the first
        // levels, which every walk reads, come first and breadth first (a few pages); below
        // them blocks are laid out depth first, so that the block of a first child follows its
        // parent's block: the chain of single children that ends most names is consecutive.
        let n = kids.len();
        let mut nodes = vec![
            Node {
                first: 0,
                sym: 0,
                count: 0,
            };
            n
        ];
        let mut patterns = vec![NONE; n];
        let mut next = 1usize;
        let mut place = |old: usize, new: usize, nodes: &mut Vec<Node>, next: &mut usize| {
            let mut list = std::mem::take(&mut kids[old]);
            list.sort_unstable();
            let first = *next;
            *next += list.len();
            nodes[new].first = first as u32 | if ends[old] == NONE { 0 } else { HAS_PATTERN };
            nodes[new].count = list.len() as u16;
            patterns[new] = ends[old];
            for (k, &(s, _)) in list.iter().enumerate() {
                nodes[first + k].sym = s;
            }
            list.into_iter()
                .enumerate()
                .map(move |(k, (_, child))| (child as usize, first + k))
        };
        let mut level: Vec<(usize, usize)> = vec![(0, 0)];
        for _ in 0..BREADTH_FIRST_LEVELS {
            let mut below = Vec::new();
            for &(old, new) in &level {
                below.extend(place(old, new, &mut nodes, &mut next));
            }
            level = below;
        }
        for &(old, new) in &level {
            let mut stack: Vec<(usize, usize)> = vec![(old, new)];
            while let Some((old, new)) = stack.pop() {
                let children: Vec<(usize, usize)> =
                    place(old, new, &mut nodes, &mut next).collect();
                stack.extend(children.into_iter().rev());
            }
        }
        let symbols = next_symbol as usize;
        let mut dense: Vec<u32> = Vec::new();
        for i in 0..nodes.len() {
            let Node { first, count, .. } = nodes[i];
            if i == 0 || count as usize > SCAN_MAX {
                let offset = dense.len();
                assert!(offset < DENSE as usize, "dense child tables fit in 30 bits");
                dense.resize(offset + symbols, NONE);
                let block = (first & !HAS_PATTERN) as usize;
                for c in block..block + count as usize {
                    dense[offset + nodes[c].sym as usize] = c as u32;
                }
                nodes[i].first = (first & HAS_PATTERN) | DENSE | offset as u32;
            }
        }
        Self {
            common,
            other,
            dense,
            symbols,
            nodes,
            patterns,
        }
    }

    #[inline]
    fn symbol(&self, c: char) -> u16 {
        match c as u32 {
            n @ 0..=0x7F => self.common[n as usize],
            n @ 0x600..=0x6FF => self.common[0x80 + n as usize - 0x600],
            _ => self.other.get(&c).copied().unwrap_or(0),
        }
    }

    /// Walks the trie from every start (char indices into `chars`), calling `hit(start, end,
    /// pattern)` (char indices) for every pattern found there, ordered by start.
    fn walk_all(
        &self,
        chars: &[(u32, u16)],
        starts: &[u32],
        mut hit: impl FnMut(usize, usize, u32),
    ) {
        // The root's children are its dense table, the first (at offset 0).
        let root = &self.dense[..self.symbols];
        for &start in starts {
            let start = start as usize;
            let Some(&(_, s)) = chars.get(start) else {
                continue;
            };
            let mut child = root[usize::from(s)];
            let mut end = start + 1;
            while child != NONE {
                // The node reached, read once: whether it completes a pattern, and its children.
                let Node { first, count, .. } = self.nodes[child as usize];
                if first & HAS_PATTERN != 0 {
                    hit(start, end, self.patterns[child as usize]);
                }
                let Some(&(_, s)) = chars.get(end) else {
                    break;
                };
                end += 1;
                child = self.child(first, count, s);
            }
        }
    }

    /// The child by symbol `s` of the node of `first` and `count` (`NONE`: none; always for
    /// symbol 0, in no pattern).
    #[inline]
    fn child(&self, first: u32, count: u16, s: u16) -> u32 {
        if first & DENSE != 0 {
            let offset = (first & !(HAS_PATTERN | DENSE)) as usize;
            self.dense[offset + usize::from(s)]
        } else {
            let first = (first & !HAS_PATTERN) as usize;
            match self.nodes[first..first + usize::from(count)]
                .iter()
                .position(|k| k.sym == s)
            {
                Some(k) => (first + k) as u32,
                None => NONE,
            }
        }
    }
}

/// The letters the proclitics [`prefix_ok`] accepts are made of.
const CLITIC_LETTERS: [char; 10] = ['و', 'ف', 'ب', 'ل', 'ك', 'ا', 'س', 'ي', 'ت', 'ن'];
/// A word start of up to four such letters is a number in base 11 (digits 1..=10), below
/// `CLITIC_CODES`.
const CLITIC_BASE: usize = 11;
const CLITIC_CODES: usize = CLITIC_BASE * CLITIC_BASE * CLITIC_BASE * CLITIC_BASE;
/// Classes of [`prefix_classes`]: no proclitic, a proclitic of any word, of verbs only.
const PREFIX_NONE: u8 = 0;
const PREFIX_ANY: u8 = 1;
const PREFIX_VERB: u8 = 2;

/// The digit of a proclitic letter.
#[inline]
fn clitic_digit(c: char) -> Option<usize> {
    CLITIC_LETTERS.iter().position(|&l| l == c).map(|k| k + 1)
}

/// Per proclitic code: whether [`prefix_ok`] accepts that word start before any pattern, only
/// before verbs, or not at all.
fn prefix_classes() -> &'static [u8; CLITIC_CODES] {
    static TABLE: std::sync::OnceLock<[u8; CLITIC_CODES]> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table = [PREFIX_NONE; CLITIC_CODES];
        for (code, slot) in table.iter_mut().enumerate() {
            let mut letters = Vec::new();
            let mut n = code;
            while n > 0 {
                let d = n % CLITIC_BASE;
                if d == 0 {
                    letters.clear();
                    break;
                }
                letters.push(CLITIC_LETTERS[d - 1]);
                n /= CLITIC_BASE;
            }
            if letters.is_empty() {
                continue;
            }
            let prefix: String = letters.iter().rev().collect();
            *slot = if prefix_ok(&prefix, true, Affixes::Inflected).is_some() {
                PREFIX_ANY
            } else if prefix_ok(&prefix, true, Affixes::Verb).is_some() {
                PREFIX_VERB
            } else {
                PREFIX_NONE
            };
        }
        table
    })
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

    /// The trie, walked from the starts that the clitic rules allow, finds the same hits as every
    /// occurrence of every pattern put through the same rules.
    #[test]
    fn trie_walk_finds_what_a_full_scan_finds() {
        let words = [
            "اجتماع",
            "جتماع",
            "هاجم",
            "الهجوم",
            "ال",
            "و",
            "attack",
            "tack",
            "a",
            "at",
            "سوريا",
            "ريا",
            "وال",
            "بال",
            "لل",
            "م",
            "ن",
            "(x",
            "x",
        ];
        let mut next = crate::test_rng::xorshift(0x9e37_79b9_7f4a_7c15);
        let mut tsv = String::new();
        for (i, w) in words.iter().enumerate() {
            let option = ["", "pos=v", "pos=name"][i % 3];
            tsv.push_str(&format!("ar\tATTACK\t{w}\t{option}\n"));
            tsv.push_str(&format!(
                "ar\tMEETING\t{w} {}\n",
                words[(i * 7) % words.len()]
            ));
        }
        let mut lex = Lexicon::default();
        lex.read_triggers("t", &tsv).unwrap();
        let m = Matcher::build(&lex.patterns).unwrap();
        let pieces = [
            "و",
            "ف",
            "ب",
            "ل",
            "ال",
            "ي",
            "س",
            "ت",
            " ",
            ". ",
            "اجتماع",
            "هاجم",
            "ات",
            "ون",
            "attack",
            "ed",
            "s",
            "سوريا",
            "(x",
            "x",
            "ه",
        ];
        for _ in 0..3000 {
            let text: String = (0..(next() % 10))
                .map(|_| pieces[(next() % pieces.len() as u64) as usize])
                .collect();
            let mut fast = Vec::new();
            m.find(&text, &mut fast);
            // Pattern numbers are the order of first appearance, as in `Matcher::build`.
            let mut texts: Vec<&str> = Vec::new();
            for x in &lex.patterns {
                if !texts.contains(&x.text.as_str()) {
                    texts.push(x.text.as_str());
                }
            }
            let mut raw = Vec::new();
            for (i, _) in text.char_indices() {
                for (p, t) in texts.iter().enumerate() {
                    if text[i..].starts_with(t) {
                        raw.push(((((i + t.len()) as u64) << 32) | i as u64, p as u32));
                    }
                }
            }
            raw.sort_unstable();
            let mut slow = Vec::new();
            m.validate(&text, &raw, &mut slow);
            assert_eq!(fast, slow, "{text:?}");
        }
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
