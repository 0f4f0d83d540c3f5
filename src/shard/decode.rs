//! Decoding a sharded index's manifest and fragments, checking every
//! count, number and order before it is used (as `crate::store` checks a
//! `.cmx` file): damage is an error naming the fragment, never a panic or
//! a wrong result.

use super::format::{pair_key, In, Kind, FORMAT, MANIFEST, VERSION};
use crate::error::{Error, Result};
use crate::index::WorkId;
use crate::model::Kind as ProfileKind;
use crate::params::Params;
use crate::text::TermKind;
use rustc_hash::FxHashMap;

pub(super) struct TableRef {
    pub(super) first_profile: u32,
    pub(super) first_work: WorkId,
    pub(super) hash: u64,
}

/// The manifest's contents, checked.
pub(super) struct Manifest {
    pub(super) params: Params,
    pub(super) profiles: u32,
    pub(super) works: u32,
    pub(super) total_len: f64,
    pub(super) buckets: Vec<u64>,
    pub(super) tables: Vec<TableRef>,
    /// Typo-tolerance word lists by length in characters.
    pub(super) words: FxHashMap<usize, u64>,
}

pub(super) fn bad_manifest(what: impl std::fmt::Display) -> Error {
    Error::parse(format!(
        "the index manifest ({MANIFEST}) is damaged: {what}"
    ))
}

pub(super) fn hex(v: &serde_json::Value, what: &str) -> Result<u64> {
    v.as_str()
        .filter(|s| s.len() == 16)
        .and_then(|s| u64::from_str_radix(s, 16).ok())
        .ok_or_else(|| bad_manifest(format_args!("{what} is not 16 hex digits")))
}

pub(super) fn uint(v: &serde_json::Value, what: &str) -> Result<u32> {
    v.as_u64()
        .and_then(|n| u32::try_from(n).ok())
        .ok_or_else(|| bad_manifest(format_args!("{what} is not a whole number")))
}

impl Manifest {
    pub(super) fn parse(text: &str) -> Result<Manifest> {
        let v: serde_json::Value =
            serde_json::from_str(text).map_err(|e| bad_manifest(format_args!("{e}")))?;
        if v["format"].as_str() != Some(FORMAT) {
            return Err(Error::parse(format!(
                "not a coopmatch sharded index manifest (no \"format\": \"{FORMAT}\")"
            )));
        }
        let version = uint(&v["version"], "version")?;
        if version != VERSION {
            return Err(Error::parse(format!(
                "sharded index format version {version}; this build reads version {VERSION}"
            )));
        }
        let mut params = Params::default();
        let obj = v["params"]
            .as_object()
            .ok_or_else(|| bad_manifest("no parameters"))?;
        for (name, value) in obj {
            let value = value
                .as_str()
                .ok_or_else(|| bad_manifest(format_args!("parameter `{name}` is not text")))?;
            params
                .set(name, value)
                .map_err(|e| bad_manifest(e.message()))?;
        }
        params.validate()?;
        let stats = &v["stats"];
        let buckets = v["terms"]
            .as_array()
            .ok_or_else(|| bad_manifest("no term buckets"))?
            .iter()
            .map(|h| hex(h, "a term bucket"))
            .collect::<Result<Vec<_>>>()?;
        if buckets.is_empty() {
            return Err(bad_manifest("no term buckets"));
        }
        let mut tables = Vec::new();
        for t in v["profiles"]
            .as_array()
            .ok_or_else(|| bad_manifest("no profile tables"))?
        {
            let t = t
                .as_array()
                .filter(|t| t.len() == 3)
                .ok_or_else(|| bad_manifest("a profile table entry is not [first, work, hash]"))?;
            let r = TableRef {
                first_profile: uint(&t[0], "a table's first profile")?,
                first_work: uint(&t[1], "a table's first work")?,
                hash: hex(&t[2], "a profile table")?,
            };
            if let Some(prev) = tables.last() {
                let prev: &TableRef = prev;
                if r.first_profile <= prev.first_profile || r.first_work <= prev.first_work {
                    return Err(bad_manifest("profile tables out of order"));
                }
            } else if r.first_profile != 0 || r.first_work != 0 {
                return Err(bad_manifest("the first profile table does not start at 0"));
            }
            tables.push(r);
        }
        let mut words = FxHashMap::default();
        for (len, h) in v["words"]
            .as_object()
            .ok_or_else(|| bad_manifest("no word lists"))?
        {
            let len: usize = len
                .parse()
                .map_err(|_| bad_manifest("a word list's length is not a number"))?;
            words.insert(len, hex(h, "a word list")?);
        }
        let total_len = f64::from_bits(hex(&stats["total_len_bits"], "total length")?);
        let m = Manifest {
            params,
            profiles: uint(&stats["profiles"], "profile count")?,
            works: uint(&stats["works"], "work count")?,
            total_len,
            buckets,
            tables,
            words,
        };
        if !m.total_len.is_finite() || m.total_len < 0.0 {
            return Err(bad_manifest("total length"));
        }
        if m.tables
            .last()
            .is_some_and(|t| t.first_profile >= m.profiles)
            || (m.profiles > 0) == m.tables.is_empty()
        {
            return Err(bad_manifest(
                "profile tables disagree with the profile count",
            ));
        }
        Ok(m)
    }
}

pub(super) fn name(kind: Kind, hash: u64) -> String {
    format!("{}-{hash:016x}.bin", kind.name())
}

/// Where a term's postings are.
#[derive(Clone)]
pub(super) enum Loc {
    Inline(Vec<u8>),
    Chunk {
        hash: u64,
        offset: usize,
        len: usize,
    },
}

/// A dictionary entry.
#[derive(Clone)]
pub(super) struct Entry {
    /// The single term's text, or the pair's two words.
    pub(super) text: String,
    pub(super) second: Option<String>,
    pub(super) kind: TermKind,
    pub(super) df: u32,
    pub(super) profile_df: u32,
    pub(super) loc: Option<Loc>,
}

/// One profile's row of a profile table.
#[derive(Clone)]
pub(super) struct Row {
    pub(super) rank: u32,
    pub(super) kind: ProfileKind,
    pub(super) card: bool,
    pub(super) lens: Vec<f32>,
    /// The record fragment holding it.
    pub(super) records: u64,
    /// Its first work's global number.
    pub(super) first_work: WorkId,
}

pub(super) fn decode_bucket<'k>(
    name: &str,
    payload: &[u8],
    keys: &[&'k Vec<u8>],
) -> Result<Vec<(&'k Vec<u8>, u32, Entry)>> {
    let mut r = In::new(name, payload);
    let chunks = r.count(8)?;
    let mut hashes = Vec::with_capacity(chunks);
    for _ in 0..chunks {
        let b = r.bytes(8)?;
        let mut h = [0u8; 8];
        h.copy_from_slice(b);
        hashes.push(u64::from_le_bytes(h));
    }
    let mut found = Vec::new();
    for _ in 0..r.count(6)? {
        let tag = r.u8()?;
        let (text, second) = if tag == 4 {
            (r.str()?, Some(r.str()?))
        } else {
            (r.str()?, None)
        };
        let kind = match tag {
            0 | 4 => TermKind::Word,
            1 => TermKind::Code,
            2 => TermKind::Cjk,
            3 => TermKind::CjkChar,
            _ => return Err(r.fail("an unknown term tag")),
        };
        let id = r.u32()?;
        let df = r.u32()?;
        let profile_df = r.u32()?;
        let loc = match r.varint()? {
            0 => {
                let start = r.pos;
                let count = r.count(2)?;
                for _ in 0..count {
                    r.varint()?;
                    r.weight()?;
                }
                Loc::Inline(payload[start..r.pos].to_vec())
            }
            c => Loc::Chunk {
                hash: *hashes
                    .get(c as usize - 1)
                    .ok_or_else(|| r.fail("a postings fragment out of range"))?,
                offset: r.varint()? as usize,
                len: r.varint()? as usize,
            },
        };
        if df == 0 || profile_df > df {
            return Err(r.fail("impossible term counts"));
        }
        let key = match second {
            Some(b) => pair_key(text, b),
            None => text.as_bytes().to_vec(),
        };
        if let Some(k) = keys.iter().find(|k| ***k == key) {
            found.push((
                *k,
                id,
                Entry {
                    text: text.to_string(),
                    second: second.map(str::to_string),
                    kind,
                    df,
                    profile_df,
                    loc: Some(loc),
                },
            ));
        }
    }
    r.end()?;
    Ok(found)
}

pub(super) fn decode_list(name: &str, bytes: &[u8], works: u32) -> Result<Vec<(WorkId, f32)>> {
    let mut r = In::new(name, bytes);
    let n = r.count(2)?;
    let mut list = Vec::with_capacity(n);
    let mut prev: Option<u32> = None;
    for _ in 0..n {
        let gap = r.u32()?;
        let w = match prev {
            None => gap,
            Some(p) if gap > 0 => p
                .checked_add(gap)
                .ok_or_else(|| r.fail("a work out of range"))?,
            Some(_) => return Err(r.fail("postings out of order")),
        };
        if w >= works {
            return Err(r.fail("a work out of range"));
        }
        let tf = r.weight()?;
        list.push((w, tf));
        prev = Some(w);
    }
    r.end()?;
    Ok(list)
}

pub(super) fn decode_table(
    name: &str,
    payload: &[u8],
    first: u32,
    end: u32,
    first_work: WorkId,
    end_work: WorkId,
    profiles: u32,
) -> Result<Vec<(u32, Row)>> {
    let mut r = In::new(name, payload);
    let n = r.count(4)?;
    if n as u64 != u64::from(end.saturating_sub(first)) {
        return Err(r.fail("a profile count that is not the manifest's"));
    }
    let mut rows = Vec::with_capacity(n);
    let mut works = 0u64;
    for i in 0..n {
        let rank = r.u32()?;
        if rank >= profiles {
            return Err(r.fail("an id rank out of range"));
        }
        let kind = match r.u8()? {
            0 => ProfileKind::Expert,
            1 => ProfileKind::Lab,
            2 => ProfileKind::Team,
            3 => ProfileKind::Patent,
            _ => return Err(r.fail("an unknown profile kind")),
        };
        let card = match r.u8()? {
            0 => false,
            1 => true,
            _ => return Err(r.fail("a malformed card flag")),
        };
        let docs = r.count(1)?;
        if docs == 0 {
            return Err(r.fail("a profile without documents"));
        }
        let mut lens = Vec::with_capacity(docs);
        for _ in 0..docs {
            lens.push(r.weight()?);
        }
        let row = Row {
            rank,
            kind,
            card,
            lens,
            records: 0,
            first_work: first_work + works as u32,
        };
        works += docs as u64;
        if works > u64::from(end_work.saturating_sub(first_work)) {
            return Err(r.fail("more works than the manifest's"));
        }
        rows.push((first + i as u32, row));
    }
    if works != u64::from(end_work.saturating_sub(first_work)) {
        return Err(r.fail("a work count that is not the manifest's"));
    }
    let groups = r.count(8)?;
    if groups != n.div_ceil(super::write::RECORD_PROFILES) {
        return Err(r.fail("a record fragment count that does not fit"));
    }
    for g in 0..groups {
        let b = r.bytes(8)?;
        let mut h = [0u8; 8];
        h.copy_from_slice(b);
        let hash = u64::from_le_bytes(h);
        let start = g * super::write::RECORD_PROFILES;
        for row in rows
            .iter_mut()
            .skip(start)
            .take(super::write::RECORD_PROFILES)
        {
            row.1.records = hash;
        }
    }
    r.end()?;
    Ok(rows)
}
