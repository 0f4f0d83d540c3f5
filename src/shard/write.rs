//! Writing a sharded index from a built [`Index`].

use super::format::{bucket_of, fragment, pair_key, Kind, Out, FORMAT, VERSION};
use crate::index::{has_card, Index, Term};
use crate::params::Params;
use crate::text::TermKind;

/// Terms per dictionary bucket, on average: a long challenge looks up a
/// couple of hundred keys, one bucket each, so buckets stay a few KB.
pub const TERMS_PER_BUCKET: usize = 256;
/// A postings fragment is cut after this many bytes (a longer list has a
/// fragment of its own).
pub const POSTINGS_BYTES: usize = 32 * 1024;
/// Lists of at most this many bytes sit in their dictionary entry: most
/// terms (word pairs above all) are rare, and an extra fetch for each
/// would cost a round trip for a few bytes.
pub const INLINE_BYTES: usize = 24;
/// Profiles per profile-table fragment.
pub const TABLE_PROFILES: usize = 2048;
/// Profiles per record fragment: the results shown fetch a few of these.
pub const RECORD_PROFILES: usize = 8;

/// A sharded index: the manifest's text and every fragment file by name.
pub struct Sharded {
    /// The text of `manifest.json`.
    pub manifest: String,
    /// Each fragment's file name and bytes.
    pub fragments: Vec<(String, Vec<u8>)>,
}

fn hash_of(name: &str) -> u64 {
    name.rsplit_once('-')
        .and_then(|(_, h)| h.strip_suffix(".bin"))
        .and_then(|h| u64::from_str_radix(h, 16).ok())
        .unwrap_or(0)
}

fn term_tag(k: TermKind) -> u8 {
    match k {
        TermKind::Word => 0,
        TermKind::Code => 1,
        TermKind::Cjk => 2,
        TermKind::CjkChar => 3,
    }
}

// Here rather than in `matcher.rs`: the shard reader ranks with a
// `Matcher`, so the matcher must not import this module back.
impl crate::matcher::Matcher {
    /// The loaded profiles' index as a sharded index (see [`crate::shard`]).
    pub fn write_sharded(&self) -> Sharded {
        write(self.params(), self.index())
    }
}

/// Writes `index` (built or loaded with `params`) as a sharded index.
pub fn write(params: &Params, index: &Index) -> Sharded {
    let mut fragments = Vec::new();
    let terms = index.vocab.len();
    let buckets = terms.div_ceil(TERMS_PER_BUCKET).max(1);

    // Each term's key and its list's bytes, grouped by bucket.
    let mut by_bucket: Vec<Vec<u32>> = vec![Vec::new(); buckets];
    let key_of = |t: u32| -> Vec<u8> {
        match index.vocab.get(t) {
            Some(Term::Single { text, .. }) => text.as_bytes().to_vec(),
            Some(Term::Pair(a, b)) => pair_key(index.single_text(a), index.single_text(b)),
            None => Vec::new(),
        }
    };
    for t in 0..terms as u32 {
        by_bucket[bucket_of(&key_of(t), buckets)].push(t);
    }
    let mut bucket_hashes = Vec::with_capacity(buckets);
    for bucket in &by_bucket {
        // The lists, cut into postings fragments; the entries point into them.
        let mut chunks: Vec<Vec<u8>> = Vec::new();
        let mut chunk = Out::default();
        let mut entries = Out::default();
        let mut where_: Vec<(usize, usize, usize)> = Vec::new();
        let mut inline: Vec<Option<Vec<u8>>> = Vec::new();
        for &t in bucket {
            let mut list = Out::default();
            let postings: Vec<_> = index.postings.lists(t).flatten().collect();
            list.varint(postings.len() as u64);
            let mut prev = 0u32;
            for (i, p) in postings.iter().enumerate() {
                list.varint(u64::from(if i == 0 { p.work } else { p.work - prev }));
                list.weight(p.tf);
                prev = p.work;
            }
            if list.bytes.len() <= INLINE_BYTES {
                inline.push(Some(list.bytes));
                where_.push((0, 0, 0));
                continue;
            }
            inline.push(None);
            if !chunk.bytes.is_empty() && chunk.bytes.len() + list.bytes.len() > POSTINGS_BYTES {
                chunks.push(std::mem::take(&mut chunk.bytes));
            }
            where_.push((chunks.len(), chunk.bytes.len(), list.bytes.len()));
            chunk.bytes.extend_from_slice(&list.bytes);
        }
        if !chunk.bytes.is_empty() {
            chunks.push(chunk.bytes);
        }
        entries.varint(chunks.len() as u64);
        for c in chunks {
            let (name, file) = fragment(Kind::Postings, &c);
            entries
                .bytes
                .extend_from_slice(&hash_of(&name).to_le_bytes());
            fragments.push((name, file));
        }
        entries.varint(bucket.len() as u64);
        for (i, &t) in bucket.iter().enumerate() {
            match index.vocab.get(t) {
                Some(Term::Single { text, kind }) => {
                    entries.bytes.push(term_tag(kind));
                    entries.str(text);
                }
                Some(Term::Pair(a, b)) => {
                    entries.bytes.push(4);
                    entries.str(index.single_text(a));
                    entries.str(index.single_text(b));
                }
                None => unreachable!("term ids below the vocabulary's length"),
            }
            entries.varint(u64::from(t));
            entries.varint(index.df(t) as u64);
            entries.varint(index.profile_df(t) as u64);
            match &inline[i] {
                Some(list) => {
                    entries.varint(0);
                    entries.bytes.extend_from_slice(list);
                }
                None => {
                    let (c, offset, len) = where_[i];
                    entries.varint(c as u64 + 1);
                    entries.varint(offset as u64);
                    entries.varint(len as u64);
                }
            }
        }
        let (name, file) = fragment(Kind::Terms, &entries.bytes);
        bucket_hashes.push(hash_of(&name));
        fragments.push((name, file));
    }

    // Profiles: each profile's id rank (the ranking breaks ties by id, so
    // the rank is all scoring needs of it), kind, card and work lengths.
    let profiles = index.profiles();
    let mut order: Vec<u32> = (0..profiles.len() as u32).collect();
    crate::sort::sort_by(&mut order, |&a, &b| {
        profiles[a as usize].id.cmp(&profiles[b as usize].id)
    });
    let mut rank = vec![0u32; profiles.len()];
    for (r, &p) in order.iter().enumerate() {
        rank[p as usize] = r as u32;
    }
    let mut tables = Vec::new();
    for first in (0..profiles.len()).step_by(TABLE_PROFILES) {
        let end = (first + TABLE_PROFILES).min(profiles.len());
        let mut out = Out::default();
        out.varint((end - first) as u64);
        for p in first..end {
            let (a, b) = index.profile_works[p];
            out.varint(u64::from(rank[p]));
            out.bytes.push(profiles[p].kind as u8);
            out.bytes.push(u8::from(has_card(&profiles[p])));
            out.varint(u64::from(b - a));
            for w in a..b {
                out.weight(index.works[w as usize].len);
            }
        }
        let groups = (end - first).div_ceil(RECORD_PROFILES);
        out.varint(groups as u64);
        for g in (first..end).step_by(RECORD_PROFILES) {
            let g_end = (g + RECORD_PROFILES).min(end);
            let mut rec = Out::default();
            rec.varint((g_end - g) as u64);
            for p in &profiles[g..g_end] {
                crate::store::encode_profile(p, &mut rec.bytes);
            }
            let (name, file) = fragment(Kind::Records, &rec.bytes);
            out.bytes.extend_from_slice(&hash_of(&name).to_le_bytes());
            fragments.push((name, file));
        }
        let first_work = index.profile_works[first].0;
        let (name, file) = fragment(Kind::Table, &out.bytes);
        tables.push(serde_json::json!([
            first,
            first_work,
            format!("{:016x}", hash_of(&name))
        ]));
        fragments.push((name, file));
    }

    // Alphabetic words by length, for typo tolerance.
    let mut words = serde_json::Map::new();
    for len in 0.. {
        let list = index.vocab.words_of_len(len);
        if list.is_empty() {
            if (len..len + 64).all(|l| index.vocab.words_of_len(l).is_empty()) {
                break;
            }
            continue;
        }
        let mut out = Out::default();
        out.varint(list.len() as u64);
        for &(t, _) in list {
            out.str(index.single_text(t));
            out.varint(u64::from(t));
            out.varint(index.df(t) as u64);
            out.varint(index.profile_df(t) as u64);
        }
        let (name, file) = fragment(Kind::Words, &out.bytes);
        words.insert(len.to_string(), format!("{:016x}", hash_of(&name)).into());
        fragments.push((name, file));
    }

    let params_json: serde_json::Map<String, serde_json::Value> = crate::store::params_list(params)
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.into()))
        .collect();
    let manifest = serde_json::json!({
        "format": FORMAT,
        "version": VERSION,
        "params": params_json,
        "stats": {
            "profiles": profiles.len(),
            "works": index.work_count(),
            "terms": terms,
            // The exact f64 (the average lengths are computed from it).
            "total_len_bits": format!("{:016x}", index.total_len().to_bits()),
        },
        "terms": bucket_hashes.iter().map(|h| format!("{h:016x}")).collect::<Vec<_>>(),
        "profiles": tables,
        "words": words,
    });
    Sharded {
        manifest: manifest.to_string(),
        fragments,
    }
}
