//! Lines, page furniture and sentences of the normalised text. Sentences come from
//! `unicode-segmentation` (UAX #29, which knows the Arabic question mark and full stop), cut again
//! at line breaks; furniture lines (share widgets, "read also", suggested articles, repeated
//! titles) are marked so that nothing is read from them.

use std::collections::HashMap;

use unicode_segmentation::UnicodeSegmentation;

/// A sentence of the normalised text (byte offsets).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sentence {
    pub start: usize,
    pub end: usize,
}

/// Byte ranges of the lines of `text` (without their line breaks).
pub fn lines(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, b) in text.bytes().enumerate() {
        if b == b'\n' {
            out.push((start, i));
            start = i + 1;
        }
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
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for &(s, e) in lines {
        let line = text[s..e].trim();
        if line.chars().count() >= 12 {
            *seen.entry(line).or_default() += 1;
        }
    }
    let title = title.map(str::trim).filter(|t| !t.is_empty());
    lines
        .iter()
        .map(|&(s, e)| {
            let line = text[s..e].trim();
            if line.is_empty() {
                return false;
            }
            let lead = s + (text[s..e].len() - text[s..e].trim_start().len());
            let cue_opens = furniture_cue_starts
                .iter()
                .any(|&c| c >= lead && c <= lead + 2);
            let words = line.split_whitespace().count();
            let label = lines.len() > 1
                && words <= 4
                && (line.ends_with(':') || !line.chars().any(|c| matches!(c, '.' | '!' | '?')));
            cue_opens
                || label
                || seen.get(line).copied().unwrap_or(0) > 1
                || title.is_some_and(|t| t == line)
        })
        .collect()
}

/// The sentences of one line of original text: (byte offset, trimmed sentence).
pub fn sentences_of_line(line: &str) -> impl Iterator<Item = (usize, &str)> {
    line.split_sentence_bound_indices()
        .filter_map(|(offset, sentence)| {
            let lead = sentence.len() - sentence.trim_start().len();
            let trimmed = sentence.trim();
            (!trimmed.is_empty()).then_some((offset + lead, trimmed))
        })
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

    #[test]
    fn repeated_lines_and_labels_are_furniture() {
        let text = "عنوان طويل بما يكفي للتكرار\n\nعنوان طويل بما يكفي للتكرار\nحجم الخط:\nنص المقال هنا طويل وفيه جملة كاملة.";
        let ls = lines(text);
        let f = furniture_lines(text, &ls, &[], None);
        assert_eq!(f, vec![true, false, true, true, false]);
    }
}
