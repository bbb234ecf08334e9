//! Deterministic benchmark inputs: the same bytes on every machine and every run.

/// A small, fast, seeded generator (xorshift64*); not for anything but test data.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed (any value; 0 is remapped).
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A value in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next_u64() % (hi - lo + 1) as u64) as usize
    }
}

/// `n` uniformly random bytes.
pub fn random_bytes(n: usize, seed: u64) -> Vec<u8> {
    let mut r = Rng::new(seed);
    let mut v = Vec::with_capacity(n + 8);
    while v.len() < n {
        v.extend_from_slice(&r.next_u64().to_le_bytes());
    }
    v.truncate(n);
    v
}

const WORDS: &[&str] = &[
    "the",
    "of",
    "and",
    "to",
    "a",
    "in",
    "that",
    "is",
    "was",
    "he",
    "for",
    "it",
    "with",
    "as",
    "his",
    "on",
    "be",
    "at",
    "by",
    "had",
    "not",
    "are",
    "but",
    "from",
    "or",
    "have",
    "an",
    "they",
    "which",
    "one",
    "you",
    "were",
    "her",
    "all",
    "she",
    "there",
    "would",
    "their",
    "we",
    "him",
    "been",
    "has",
    "when",
    "who",
    "will",
    "more",
    "no",
    "if",
    "out",
    "so",
    "said",
    "what",
    "up",
    "its",
    "about",
    "into",
    "than",
    "them",
    "can",
    "only",
    "other",
    "new",
    "some",
    "could",
    "time",
    "these",
    "two",
    "may",
    "then",
    "do",
    "first",
    "any",
    "my",
    "now",
    "such",
    "like",
    "our",
    "over",
    "man",
    "me",
    "even",
    "most",
    "made",
    "after",
    "also",
    "did",
    "many",
    "before",
    "must",
    "through",
    "back",
    "years",
    "where",
    "much",
    "your",
    "way",
    "well",
    "down",
    "should",
    "because",
    "each",
    "just",
    "those",
    "people",
    "how",
    "too",
    "little",
    "state",
    "good",
    "very",
    "make",
    "world",
    "still",
    "own",
    "see",
    "men",
    "work",
    "long",
    "get",
    "here",
    "between",
    "both",
    "life",
    "being",
    "under",
    "never",
    "day",
    "same",
    "another",
    "know",
    "while",
    "last",
    "might",
    "us",
    "great",
    "old",
    "year",
    "off",
    "come",
    "since",
    "against",
    "go",
    "came",
    "right",
    "used",
    "take",
    "three",
    "himself",
    "few",
    "house",
    "use",
    "during",
    "without",
    "again",
    "place",
    "around",
    "however",
    "home",
    "small",
    "found",
    "thought",
    "went",
    "say",
    "part",
    "once",
    "general",
    "high",
    "upon",
    "school",
    "every",
    "does",
    "got",
    "united",
    "left",
    "number",
    "course",
    "war",
    "until",
    "always",
    "away",
    "something",
    "fact",
    "water",
    "though",
    "less",
];

/// `n` bytes of English-like text: words drawn with a skewed (roughly Zipfian) frequency,
/// capitalized sentences, punctuation and line breaks.
pub fn text(n: usize, seed: u64) -> Vec<u8> {
    let mut r = Rng::new(seed);
    let mut out = Vec::with_capacity(n + 16);
    let mut start_of_sentence = true;
    let mut line = 0;
    while out.len() < n {
        // Squaring a uniform index favours the first (most common) words.
        let u = (r.next_u64() % 1_000_000) as f64 / 1_000_000.0;
        let word = WORDS[((u * u) * WORDS.len() as f64) as usize];
        let start = out.len();
        out.extend_from_slice(word.as_bytes());
        if start_of_sentence {
            out[start] = out[start].to_ascii_uppercase();
            start_of_sentence = false;
        }
        line += word.len() + 1;
        match r.next_u64() % 20 {
            0 => {
                out.push(b'.');
                start_of_sentence = true;
            }
            1 => out.push(b','),
            _ => {}
        }
        if line > 70 {
            out.push(b'\n');
            line = 0;
        } else {
            out.push(b' ');
        }
    }
    out.truncate(n);
    out
}

/// Binary-like data: runs, small counters, little-endian integers and random bytes mixed.
pub fn binary(n: usize, seed: u64) -> Vec<u8> {
    let mut r = Rng::new(seed);
    let mut v = Vec::with_capacity(n + 64);
    while v.len() < n {
        match r.range(0, 3) {
            0 => v.extend(std::iter::repeat_n(r.range(0, 255) as u8, r.range(1, 40))),
            1 => {
                let base = r.range(0, 1 << 20) as u32;
                for i in 0..r.range(1, 16) as u32 {
                    v.extend_from_slice(&(base + i * 4).to_le_bytes());
                }
            }
            2 => v.extend((0..r.range(1, 64)).map(|i| (i as u8).wrapping_mul(3))),
            _ => v.extend_from_slice(&random_bytes(r.range(1, 32), r.next_u64())),
        }
    }
    v.truncate(n);
    v
}

/// Highly repetitive data: a 300-byte pattern over and over, one byte in 500 changed.
pub fn repetitive(n: usize, seed: u64) -> Vec<u8> {
    let pattern = text(300, seed);
    let mut r = Rng::new(seed);
    let mut v: Vec<u8> = pattern.iter().copied().cycle().take(n).collect();
    for _ in 0..n / 500 {
        let at = r.range(0, n - 1);
        v[at] = r.range(0, 255) as u8;
    }
    v
}
