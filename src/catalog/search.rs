//! Ranked search: `find --query TEXT`.
//!
//! BM25F (Robertson and Zaragoza's field-weighted BM25) over tools. Each tool is
//! one document whose fields are its own name, title and description plus its
//! server's name, description and tags; an entry without tools is one document of
//! the server's fields alone. An entry scores as its best tool, and lists the tools
//! that matched by their own text, best first.
//!
//! The shape is one process per query with no index on disk, so the ranker streams:
//! it sees each entry's borrowed view once, counts only the query's terms (and the
//! length of every field, for BM25's normalisation), keeps the documents that hold a
//! term, and scores those at the end, when the collection's statistics are known.

use super::Entry;
use super::id::Fnv1a;
use super::query::EntryView;
use rust_stemmers::{Algorithm, Stemmer};
use serde::Serialize;
use std::collections::HashMap;
use std::hash::BuildHasherDefault;

/// BM25's term-frequency saturation and length normalisation, the usual values.
const K1: f64 = 1.2;
const B: f64 = 0.75;

/// The fields of a tool document, in this order: the tool's name, title and
/// description, then its server's name, description and tags. Their weights: the
/// tool's name and title say what it does, its description says more loosely, and
/// the server's text only says where it lives.
const FIELDS: usize = 6;
const WEIGHTS: [f64; FIELDS] = [3.0, 3.0, 2.0, 1.0, 1.0, 1.0];

/// At most this many distinct terms count; a longer query is a paste, not a question.
pub const MAX_TERMS: usize = 32;

/// English stop words, Snowball's list: dropped from queries and from documents.
const STOP_WORDS: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "against",
    "all",
    "am",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "down",
    "during",
    "each",
    "few",
    "for",
    "from",
    "further",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "me",
    "more",
    "most",
    "my",
    "myself",
    "no",
    "nor",
    "not",
    "of",
    "off",
    "on",
    "once",
    "only",
    "or",
    "other",
    "ought",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "same",
    "she",
    "should",
    "so",
    "some",
    "such",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "too",
    "under",
    "until",
    "up",
    "very",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "will",
    "with",
    "would",
    "you",
    "your",
    "yours",
    "yourself",
    "yourselves",
];

pub fn is_stop_word(word: &str) -> bool {
    STOP_WORDS.binary_search(&word).is_ok()
}

/// Calls `each` with every word of `text`, lower-cased, split the way identifiers
/// are written: at anything not a letter or digit (`read_text_file`,
/// `read-text-file`), and where a lower-case letter or digit meets an upper-case
/// one (`readTextFile`) or an acronym meets a word (`HTTPServer` is `http server`).
/// A possessive `'s` is dropped.
pub fn words(text: &str, mut each: impl FnMut(&str)) {
    let mut word = String::new();
    let mut prev: Option<char> = None;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        // A possessive's 's says nothing: "website's" is "website".
        if matches!(c, '\'' | '\u{2019}') && prev.is_some() {
            let mut after = chars.clone();
            if after.next().is_some_and(|s| s == 's' || s == 'S')
                && after.peek().is_none_or(|n| !n.is_alphanumeric())
            {
                chars.next();
            }
        }
        if !c.is_alphanumeric() {
            flush(&mut word, &mut each);
            prev = None;
            continue;
        }
        if let Some(p) = prev {
            let lower_to_upper = c.is_uppercase() && (p.is_lowercase() || p.is_numeric());
            let acronym_end = c.is_uppercase()
                && p.is_uppercase()
                && chars.peek().is_some_and(|n| n.is_lowercase());
            if lower_to_upper || acronym_end {
                flush(&mut word, &mut each);
            }
        }
        // Most text is ASCII: skip the Unicode tables for it.
        if c.is_ascii() {
            word.push(c.to_ascii_lowercase());
        } else {
            word.extend(c.to_lowercase());
        }
        prev = Some(c);
    }
    flush(&mut word, &mut each);
}

fn flush(word: &mut String, each: &mut impl FnMut(&str)) {
    if !word.is_empty() {
        each(word);
        word.clear();
    }
}

/// What a word of a document is to the query.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    Stop,
    /// The stem of the query's term with this index.
    Term(u8),
    Other,
}

/// Stems words, once each: a collection repeats its vocabulary many times over.
struct Analyzer {
    stemmer: Stemmer,
    terms: Vec<String>,
    seen: HashMap<String, Class, BuildHasherDefault<Fnv1a>>,
}

impl Analyzer {
    fn classify(&mut self, word: &str) -> Class {
        if let Some(&class) = self.seen.get(word) {
            return class;
        }
        let class = if is_stop_word(word) {
            Class::Stop
        } else {
            let stem = self.stemmer.stem(word);
            match self.terms.iter().position(|t| *t == stem) {
                // At most MAX_TERMS (32) terms are kept, so the index fits.
                #[allow(clippy::cast_possible_truncation, reason = "i < MAX_TERMS = 32")]
                Some(i) => Class::Term(i as u8),
                None => Class::Other,
            }
        };
        self.seen.insert(word.to_owned(), class);
        class
    }
}

/// A parsed `--query`: its distinct stemmed terms, in the order written.
#[derive(Clone, Debug)]
pub struct Search {
    terms: Vec<String>,
}

/// Why a query text cannot rank anything.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BadSearch {
    NoWords,
    OnlyStopWords,
}

impl std::fmt::Display for BadSearch {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str(match self {
            BadSearch::NoWords => "the query has no words to search for",
            BadSearch::OnlyStopWords => {
                "the query has only stop words (such as \"the\", \"what\", \"is\"), which match nothing"
            }
        })
    }
}

impl Search {
    pub fn parse(text: &str) -> Result<Search, BadSearch> {
        let stemmer = Stemmer::create(Algorithm::English);
        let mut terms: Vec<String> = Vec::new();
        let mut any_word = false;
        words(text, |w| {
            any_word = true;
            if is_stop_word(w) {
                return;
            }
            let stem = stemmer.stem(w).into_owned();
            if !terms.contains(&stem) && terms.len() < MAX_TERMS {
                terms.push(stem);
            }
        });
        match (any_word, terms.is_empty()) {
            (false, _) => Err(BadSearch::NoWords),
            (true, true) => Err(BadSearch::OnlyStopWords),
            (true, false) => Ok(Search { terms }),
        }
    }

    pub fn terms(&self) -> &[String] {
        &self.terms
    }

    /// Ranks entries already selected: (index into `found`, ranking), best first,
    /// at most `limit` of them.
    pub fn rank<'e>(
        &self,
        found: impl IntoIterator<Item = &'e Entry>,
        limit: Option<usize>,
    ) -> Vec<(usize, Ranking)> {
        let mut ranker = self.ranker();
        for (i, e) in found.into_iter().enumerate() {
            ranker.add(i, &e.view());
        }
        ranker.finish(limit)
    }

    /// A ranker for one pass over a collection; `K` names an entry to the caller.
    pub fn ranker<K>(&self) -> Ranker<K> {
        Ranker {
            analyzer: Analyzer {
                stemmer: Stemmer::create(Algorithm::English),
                terms: self.terms.clone(),
                seen: HashMap::default(),
            },
            documents: 0,
            length_sum: [0; FIELDS],
            document_frequency: vec![0; self.terms.len()],
            entries: Vec::new(),
        }
    }
}

/// How one entry ranks: its score, and its matching tools best first.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Ranking {
    pub score: f64,
    pub tools: Vec<ToolScore>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ToolScore {
    pub name: String,
    pub score: f64,
}

/// Term counts and length of one field of one document.
#[derive(Clone, Debug, Default)]
struct FieldCounts {
    length: u32,
    /// (term, occurrences), only for the query's terms that occur.
    terms: Vec<(u8, u32)>,
}

impl FieldCounts {
    fn count(analyzer: &mut Analyzer, text: &str) -> FieldCounts {
        let mut counts = FieldCounts::default();
        words(text, |w| match analyzer.classify(w) {
            Class::Stop => {}
            Class::Other => counts.length += 1,
            Class::Term(t) => {
                counts.length += 1;
                match counts.terms.iter_mut().find(|(have, _)| *have == t) {
                    Some((_, n)) => *n += 1,
                    None => counts.terms.push((t, 1)),
                }
            }
        });
        counts
    }

    fn add(&mut self, other: FieldCounts) {
        self.length += other.length;
        for (t, n) in other.terms {
            match self.terms.iter_mut().find(|(have, _)| *have == t) {
                Some((_, m)) => *m += n,
                None => self.terms.push((t, n)),
            }
        }
    }
}

/// A document that holds at least one term: kept for scoring.
struct Candidate {
    /// The tool's name; None for the document of an entry without tools.
    tool: Option<String>,
    /// Whether a term occurs in the tool's own fields.
    own_match: bool,
    fields: [FieldCounts; FIELDS],
}

struct EntryCandidates<K> {
    key: K,
    documents: Vec<Candidate>,
}

/// One pass of a search over a collection of entries.
pub struct Ranker<K> {
    analyzer: Analyzer,
    documents: u64,
    length_sum: [u64; FIELDS],
    document_frequency: Vec<u64>,
    entries: Vec<EntryCandidates<K>>,
}

impl<K> Ranker<K> {
    /// Counts one entry of the collection (every entry the filters selected).
    pub fn add(&mut self, key: K, view: &EntryView<'_>) {
        let a = &mut self.analyzer;
        let mut tags = FieldCounts::default();
        for tag in view.tags() {
            tags.add(FieldCounts::count(a, tag));
        }
        let server = [
            FieldCounts::count(a, view.name()),
            FieldCounts::count(a, view.description().unwrap_or_default()),
            tags,
        ];
        let server_terms = term_set(&server);
        let mut documents = Vec::new();
        let mut add_document = |tool: Option<&str>, own: [FieldCounts; 3], this: &mut Self| {
            this.documents += 1;
            let own_terms = term_set(&own);
            let all = own_terms | server_terms;
            let [name, title, description] = own;
            let fields = [
                name,
                title,
                description,
                server[0].clone(),
                server[1].clone(),
                server[2].clone(),
            ];
            for (sum, f) in this.length_sum.iter_mut().zip(&fields) {
                *sum += u64::from(f.length);
            }
            for (t, df) in this.document_frequency.iter_mut().enumerate() {
                if all & (1 << t) != 0 {
                    *df += 1;
                }
            }
            if all != 0 {
                documents.push(Candidate {
                    tool: tool.map(str::to_owned),
                    own_match: own_terms != 0,
                    fields,
                });
            }
        };
        let tools = view.tools();
        if tools.is_empty() {
            add_document(None, Default::default(), self);
        }
        for tool in tools {
            let a = &mut self.analyzer;
            let own = [
                FieldCounts::count(a, tool.name()),
                FieldCounts::count(a, tool.title().unwrap_or_default()),
                FieldCounts::count(a, tool.description().unwrap_or_default()),
            ];
            add_document(Some(tool.name()), own, self);
        }
        if !documents.is_empty() {
            self.entries.push(EntryCandidates { key, documents });
        }
    }

    /// The entries that hold a term, best first (ties in the order they were
    /// added), at most `limit` of them.
    pub fn finish(self, limit: Option<usize>) -> Vec<(K, Ranking)> {
        let n = self.documents as f64;
        let average: Vec<f64> = self
            .length_sum
            .iter()
            .map(|&sum| (sum as f64 / n).max(f64::MIN_POSITIVE))
            .collect();
        let idf: Vec<f64> = self
            .document_frequency
            .iter()
            .map(|&df| {
                let df = df as f64;
                (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
            })
            .collect();
        let score = |c: &Candidate| -> f64 {
            let mut weighted = vec![0.0; idf.len()];
            for (f, counts) in c.fields.iter().enumerate() {
                let norm = 1.0 - B + B * f64::from(counts.length) / average[f];
                for &(t, occurrences) in &counts.terms {
                    weighted[usize::from(t)] += WEIGHTS[f] * f64::from(occurrences) / norm;
                }
            }
            weighted
                .iter()
                .zip(&idf)
                .map(|(&tf, idf)| idf * tf / (K1 + tf))
                .sum()
        };
        let mut ranked: Vec<(K, Ranking)> = self
            .entries
            .into_iter()
            .map(|e| {
                let mut best = 0.0_f64;
                let mut tools = Vec::new();
                for c in &e.documents {
                    let s = score(c);
                    best = best.max(s);
                    if let (true, Some(name)) = (c.own_match, &c.tool) {
                        tools.push(ToolScore {
                            name: name.clone(),
                            score: rounded(s),
                        });
                    }
                }
                tools.sort_by(|a, b| b.score.total_cmp(&a.score));
                let ranking = Ranking {
                    score: rounded(best),
                    tools,
                };
                (e.key, ranking)
            })
            .collect();
        // Stable: equal scores keep the order of the collection (ids, for stores).
        ranked.sort_by(|a, b| b.1.score.total_cmp(&a.1.score));
        if let Some(limit) = limit {
            ranked.truncate(limit);
        }
        ranked
    }
}

/// The query terms that occur in some of `fields`, as a bit set.
fn term_set(fields: &[FieldCounts]) -> u64 {
    fields
        .iter()
        .flat_map(|f| &f.terms)
        .fold(0, |set, &(t, _)| set | 1 << t)
}

/// Scores to four decimals: enough to order by, and stable to print and compare.
fn rounded(score: f64) -> f64 {
    (score * 10_000.0).round() / 10_000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_words(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        words(text, |w| out.push(w.to_owned()));
        out
    }

    #[test]
    fn identifiers_split_the_way_they_are_written() {
        for name in [
            "read_text_file",
            "readTextFile",
            "read-text-file",
            "ReadTextFile",
            "READ_TEXT_FILE",
            "read.text/file",
            "  read  text  file ",
        ] {
            assert_eq!(all_words(name), ["read", "text", "file"], "{name}");
        }
        assert_eq!(all_words("HTTPServer"), ["http", "server"]);
        assert_eq!(all_words("getURLForID"), ["get", "url", "for", "id"]);
        assert_eq!(all_words("base64Encode v2"), ["base64", "encode", "v2"]);
        assert_eq!(all_words("Größe_Ändern"), ["größe", "ändern"]);
        assert!(all_words("--- !!! ").is_empty());
        assert_eq!(all_words("a website's text"), ["a", "website", "text"]);
        assert_eq!(
            all_words("the server’s 'sql' it'sx"),
            ["the", "server", "sql", "it", "sx"]
        );
    }

    #[test]
    fn the_stop_word_list_is_sorted_for_binary_search() {
        assert!(STOP_WORDS.is_sorted());
        assert!(is_stop_word("the") && is_stop_word("what") && !is_stop_word("file"));
    }

    #[test]
    fn a_query_keeps_distinct_stems_and_drops_stop_words() {
        let s = Search::parse("Reading the FILES, read a file!").unwrap();
        assert_eq!(s.terms(), ["read", "file"]);
        let s = Search::parse("what time is it in Tokyo").unwrap();
        assert_eq!(s.terms(), ["time", "tokyo"]);
        assert_eq!(Search::parse("  ").unwrap_err(), BadSearch::NoWords);
        assert_eq!(Search::parse("?!").unwrap_err(), BadSearch::NoWords);
        assert_eq!(
            Search::parse("what is it").unwrap_err(),
            BadSearch::OnlyStopWords
        );
        let long = (0..100)
            .map(|i| format!("w{i}"))
            .collect::<Vec<_>>()
            .join(" ");
        assert_eq!(Search::parse(&long).unwrap().terms().len(), MAX_TERMS);
    }

    fn entry(name: &str, tools: &[(&str, &str)]) -> crate::catalog::Entry {
        let json = serde_json::json!({
            "id": name, "name": name,
            "transport": {"type": "stdio", "command": "/bin/true"},
            "tools": tools.iter().map(|(n, d)| serde_json::json!({"name": n, "description": d})).collect::<Vec<_>>(),
            "registered_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z",
        });
        serde_json::from_value(json).unwrap()
    }

    fn rank(query: &str, entries: &[crate::catalog::Entry]) -> Vec<(usize, Ranking)> {
        let search = Search::parse(query).unwrap();
        let mut ranker = search.ranker();
        for (i, e) in entries.iter().enumerate() {
            ranker.add(i, &e.view());
        }
        ranker.finish(None)
    }

    #[test]
    fn the_tool_that_names_the_words_ranks_first_and_non_matches_are_left_out() {
        let entries = [
            entry(
                "notes",
                &[("write_note", "Write a note"), ("list_notes", "")],
            ),
            entry(
                "files",
                &[
                    ("write_file", "Write a file"),
                    ("read_text_file", "Read a text file"),
                    ("get_file_info", "Metadata of a file"),
                ],
            ),
            entry("weather", &[("forecast", "The weather")]),
        ];
        let ranked = rank("read a text file", &entries);
        assert_eq!(ranked.len(), 1, "only the files server holds a term");
        let (i, r) = &ranked[0];
        assert_eq!(*i, 1);
        let names: Vec<&str> = r.tools.iter().map(|t| &*t.name).collect();
        assert_eq!(names[0], "read_text_file");
        assert!(
            r.score.total_cmp(&r.tools[0].score).is_eq(),
            "an entry scores as its best tool"
        );
        assert!(r.tools.windows(2).all(|w| w[0].score >= w[1].score));
        assert!(rank("weather tomorrow", &entries)[0].0 == 2);
        assert!(rank("zebra", &entries).is_empty());
    }

    #[test]
    fn a_rare_term_outweighs_a_common_one() {
        // "list" is in every server; "calendar" in one.
        let mut entries: Vec<_> = (0..20)
            .map(|i| entry(&format!("s{i}"), &[("list_items", "List items")]))
            .collect();
        entries.push(entry("cal", &[("show_calendar", "Show the calendar")]));
        let ranked = rank("list calendar", &entries);
        assert_eq!(ranked[0].0, 20);
        assert_eq!(ranked.len(), 21);
    }

    #[test]
    fn name_outweighs_description_and_tool_outweighs_server() {
        let entries = [
            entry("a", &[("fetch_page", "Get something")]),
            entry("b", &[("get_thing", "Fetch something")]),
            entry("fetch", &[("get_other", "Other")]),
        ];
        let order: Vec<usize> = rank("fetch", &entries).iter().map(|r| r.0).collect();
        assert_eq!(order, [0, 1, 2]);
        // The server-name match lists no tool: none matched by its own text.
        assert!(rank("fetch", &entries)[2].1.tools.is_empty());
    }

    #[test]
    fn the_limit_keeps_the_best_and_ties_keep_collection_order() {
        let entries: Vec<_> = (0..5)
            .map(|i| entry(&format!("s{i}"), &[("search", "Search")]))
            .collect();
        let ranked = rank("search", &entries);
        assert_eq!(
            ranked.iter().map(|r| r.0).collect::<Vec<_>>(),
            [0, 1, 2, 3, 4]
        );
        let search = Search::parse("search").unwrap();
        let mut ranker = search.ranker();
        for (i, e) in entries.iter().enumerate() {
            ranker.add(i, &e.view());
        }
        assert_eq!(ranker.finish(Some(2)).len(), 2);
    }

    #[test]
    fn a_title_ranks_like_a_name() {
        let json = serde_json::json!({
            "id": "t", "name": "t",
            "transport": {"type": "stdio", "command": "/bin/true"},
            "tools": [{"name": "rtf", "title": "Read Text File"}, {"name": "other"}],
            "registered_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z",
        });
        let titled: crate::catalog::Entry = serde_json::from_value(json).unwrap();
        let described = entry("d", &[("rtf", "Read text file")]);
        let ranked = rank("read text file", &[described, titled]);
        assert_eq!(ranked[0].0, 1, "a title weighs more than a description");
        assert_eq!(ranked[0].1.tools.len(), 1);
        assert_eq!(ranked[0].1.tools[0].name, "rtf");
    }

    #[test]
    fn stemming_joins_forms_of_a_word() {
        let entries = [entry("a", &[("reading_files", "")])];
        assert_eq!(rank("read file", &entries).len(), 1);
        assert_eq!(rank("reads filed", &entries).len(), 1);
    }
}
