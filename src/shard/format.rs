//! The bytes of a sharded index: fragment headers, their checks, the
//! manifest, and the few primitive encodings fragments are made of.
//!
//! A fragment file is a 29-byte header then its payload:
//!
//! ```text
//!   magic     8 bytes   89 'C' 'M' 'F' 0D 0A 1A 0A
//!   version   u32       1
//!   kind      u8        b'd' terms, b'p' postings, b't' profile table,
//!                       b'r' profile records, b'w' words for typo tolerance
//!   length    u64       byte length of the payload
//!   checksum  u64       of the payload (`crate::store::checksum`)
//! ```
//!
//! Its name is `KIND-HASH.bin`, `HASH` the 16 hex digits of the checksum of
//! the whole file, header included: a host may cache it for ever, a new
//! index has new names, and a file that is not the one the index names
//! (damaged, cut, or from another build) is refused before it is decoded.

use crate::error::{Error, Result};
use crate::store::checksum;

pub const MAGIC: [u8; 8] = [0x89, b'C', b'M', b'F', 0x0D, 0x0A, 0x1A, 0x0A];
pub const VERSION: u32 = 1;
pub const HEADER_LEN: usize = 8 + 4 + 1 + 8 + 8;
/// The manifest's `format` value.
pub const FORMAT: &str = "coopmatch-sharded-index";
/// The manifest's fixed file name in the index's directory.
pub const MANIFEST: &str = "manifest.json";

/// What a fragment holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A bucket of the term dictionary: each term's statistics and where
    /// its postings are.
    Terms,
    /// Posting lists of one bucket's terms.
    Postings,
    /// A range of profiles: ids, kinds, work lengths (what scoring reads),
    /// and the names of their record fragments.
    Table,
    /// Whole profile records, for results shown and feedback.
    Records,
    /// The alphabetic words of one length, for typo tolerance.
    Words,
}

impl Kind {
    fn code(self) -> u8 {
        match self {
            Kind::Terms => b'd',
            Kind::Postings => b'p',
            Kind::Table => b't',
            Kind::Records => b'r',
            Kind::Words => b'w',
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Kind::Terms => "terms",
            Kind::Postings => "postings",
            Kind::Table => "profiles",
            Kind::Records => "records",
            Kind::Words => "words",
        }
    }
}

/// A fragment's file: header and payload, and its content-hashed name.
pub fn fragment(kind: Kind, payload: &[u8]) -> (String, Vec<u8>) {
    let mut file = Vec::with_capacity(HEADER_LEN + payload.len());
    file.extend_from_slice(&MAGIC);
    file.extend_from_slice(&VERSION.to_le_bytes());
    file.push(kind.code());
    file.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    file.extend_from_slice(&checksum(payload).to_le_bytes());
    file.extend_from_slice(payload);
    (
        format!("{}-{:016x}.bin", kind.name(), checksum(&file)),
        file,
    )
}

/// Whether `name` is a fragment name this format writes (no path, nothing
/// a URL or a file system could read as more than a name).
#[cfg(test)]
pub fn valid_name(name: &str) -> bool {
    let Some((kind, rest)) = name.split_once('-') else {
        return false;
    };
    let Some(hash) = rest.strip_suffix(".bin") else {
        return false;
    };
    ["terms", "postings", "profiles", "records", "words"].contains(&kind)
        && hash.len() == 16
        && hash
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

fn damaged(name: &str, what: impl std::fmt::Display) -> Error {
    Error::parse(format!(
        "index fragment `{name}` is damaged or not this index's: {what}"
    ))
}

/// Checks a fragment file against its name and header, and returns its
/// payload.
pub fn check<'a>(name: &str, kind: Kind, file: &'a [u8]) -> Result<&'a [u8]> {
    let hash = name
        .rsplit_once('-')
        .and_then(|(_, h)| h.strip_suffix(".bin"))
        .and_then(|h| u64::from_str_radix(h, 16).ok())
        .ok_or_else(|| damaged(name, "not a fragment name"))?;
    let Some((head, payload)) = file.split_at_checked(HEADER_LEN) else {
        return Err(damaged(
            name,
            format_args!("{} bytes, shorter than a header", file.len()),
        ));
    };
    if head[..8] != MAGIC {
        return Err(damaged(name, "not an index fragment (wrong magic bytes)"));
    }
    let version = u32::from_le_bytes([head[8], head[9], head[10], head[11]]);
    if version != VERSION {
        return Err(damaged(
            name,
            format_args!("format version {version}, this build reads {VERSION}"),
        ));
    }
    if head[12] != kind.code() {
        return Err(damaged(
            name,
            format_args!("not a {} fragment", kind.name()),
        ));
    }
    let u64_at = |i: usize| {
        let mut b = [0u8; 8];
        b.copy_from_slice(&head[i..i + 8]);
        u64::from_le_bytes(b)
    };
    if u64_at(13) != payload.len() as u64 {
        return Err(damaged(
            name,
            format_args!(
                "{} payload bytes where the header says {}",
                payload.len(),
                u64_at(13)
            ),
        ));
    }
    if u64_at(21) != checksum(payload) {
        return Err(damaged(name, "checksum mismatch"));
    }
    if checksum(file) != hash {
        return Err(damaged(name, "its content hash is not its name's"));
    }
    Ok(payload)
}

// ---------------------------------------------------------- primitives ---

/// Appends the primitive encodings of the `.cmx` format (`crate::store`):
/// LEB128 varints, length-prefixed strings, lossless weights.
#[derive(Default)]
pub struct Out {
    pub bytes: Vec<u8>,
}

impl Out {
    pub fn varint(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.bytes.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.bytes.push(v as u8);
    }

    pub fn str(&mut self, s: &str) {
        self.varint(s.len() as u64);
        self.bytes.extend_from_slice(s.as_bytes());
    }

    /// `2k` for `k / 4` with `k` in `1..=2^24`, `0` for 0, else `1` and the
    /// `f32`'s bytes: the same bits come back.
    pub fn weight(&mut self, w: f32) {
        if w.to_bits() == 0 {
            self.varint(0);
            return;
        }
        let k = w * 4.0;
        if (1.0..=(1u32 << 24) as f32).contains(&k) && k.fract() == 0.0 {
            let k = k as u32;
            if ((k as f32) / 4.0).to_bits() == w.to_bits() {
                self.varint(u64::from(k) << 1);
                return;
            }
        }
        self.varint(1);
        self.bytes.extend_from_slice(&w.to_le_bytes());
    }
}

/// Reads a checked payload; any read past its end or malformed value is
/// an error naming the fragment.
pub struct In<'a> {
    pub name: &'a str,
    pub data: &'a [u8],
    pub pos: usize,
}

impl<'a> In<'a> {
    pub fn new(name: &'a str, data: &'a [u8]) -> In<'a> {
        In { name, data, pos: 0 }
    }

    pub fn fail(&self, what: impl std::fmt::Display) -> Error {
        damaged(self.name, format_args!("{what} at byte {}", self.pos))
    }

    pub fn u8(&mut self) -> Result<u8> {
        let b = *self
            .data
            .get(self.pos)
            .ok_or_else(|| self.fail("cut short"))?;
        self.pos += 1;
        Ok(b)
    }

    pub fn varint(&mut self) -> Result<u64> {
        let mut v = 0u64;
        for shift in (0..70).step_by(7) {
            let b = self.u8()?;
            if shift == 63 && b > 1 {
                return Err(self.fail("a number out of range"));
            }
            v |= u64::from(b & 0x7F) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(self.fail("a number out of range"))
    }

    /// A varint that must fit `u32`.
    pub fn u32(&mut self) -> Result<u32> {
        let v = self.varint()?;
        u32::try_from(v).map_err(|_| self.fail("a number out of range"))
    }

    /// A count of items of at least `min_bytes` each: never more than the
    /// bytes left could hold, so nothing is allocated on a damaged count.
    pub fn count(&mut self, min_bytes: usize) -> Result<usize> {
        let n = self.varint()?;
        let left = (self.data.len() - self.pos.min(self.data.len())) as u64;
        if n.saturating_mul(min_bytes.max(1) as u64) > left {
            return Err(self.fail("a count larger than the fragment"));
        }
        Ok(n as usize)
    }

    pub fn bytes(&mut self, n: usize) -> Result<&'a [u8]> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&e| e <= self.data.len())
            .ok_or_else(|| self.fail("cut short"))?;
        let b = &self.data[self.pos..end];
        self.pos = end;
        Ok(b)
    }

    pub fn str(&mut self) -> Result<&'a str> {
        let n = self.count(1)?;
        let b = self.bytes(n)?;
        std::str::from_utf8(b).map_err(|_| self.fail("text that is not UTF-8"))
    }

    pub fn weight(&mut self) -> Result<f32> {
        let v = self.varint()?;
        let w = match v {
            0 => 0.0,
            1 => {
                let b = self.bytes(4)?;
                f32::from_le_bytes([b[0], b[1], b[2], b[3]])
            }
            v if v & 1 == 0 && v >> 1 <= 1 << 24 => (v >> 1) as f32 / 4.0,
            _ => return Err(self.fail("a malformed weight")),
        };
        if !w.is_finite() || w < 0.0 {
            return Err(self.fail("a weight that is negative or not finite"));
        }
        Ok(w)
    }

    pub fn end(&self) -> Result<()> {
        if self.pos != self.data.len() {
            return Err(self.fail("bytes left over"));
        }
        Ok(())
    }
}

/// FNV-1a 64 of a term's key: which dictionary bucket holds it. Fixed for
/// the format (a different hash would be a new version).
pub fn bucket_of(key: &[u8], buckets: usize) -> usize {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in key {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    (h % buckets.max(1) as u64) as usize
}

/// A term's key in the dictionary: a single term's text, or for a pair
/// `0x01`, the first word, `0x00`, the second (analysed text never holds
/// control characters, so keys cannot collide).
pub fn pair_key(a: &str, b: &str) -> Vec<u8> {
    let mut k = Vec::with_capacity(a.len() + b.len() + 2);
    k.push(1);
    k.extend_from_slice(a.as_bytes());
    k.push(0);
    k.extend_from_slice(b.as_bytes());
    k
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fragment_checks_against_its_name_and_nothing_else() {
        let (name, file) = fragment(Kind::Postings, b"some payload bytes");
        assert!(valid_name(&name));
        assert_eq!(
            check(&name, Kind::Postings, &file).unwrap(),
            b"some payload bytes"
        );
        // Every single flipped byte is refused.
        for i in 0..file.len() {
            let mut bad = file.clone();
            bad[i] ^= 0x40;
            let e = check(&name, Kind::Postings, &bad).unwrap_err();
            assert!(e.message().contains(&name), "{}", e.message());
        }
        // Cut, of another kind, or another fragment under this name.
        assert!(check(&name, Kind::Postings, &file[..file.len() - 1]).is_err());
        assert!(check(&name, Kind::Terms, &file).is_err());
        let (_, other) = fragment(Kind::Postings, b"other payload");
        let e = check(&name, Kind::Postings, &other).unwrap_err();
        assert!(e.message().contains("content hash"), "{}", e.message());
    }

    #[test]
    fn names_are_plain() {
        assert!(!valid_name("../terms-0123456789abcdef.bin"));
        assert!(!valid_name("terms-0123456789ABCDEF.bin"));
        assert!(!valid_name("other-0123456789abcdef.bin"));
        assert!(valid_name("words-0123456789abcdef.bin"));
    }

    #[test]
    fn weights_and_varints_round_trip() {
        let mut out = Out::default();
        let ws = [0.0, 0.25, 1.5, 3.0, 0.1, 1e-30, 7e20];
        for w in ws {
            out.weight(w);
        }
        out.varint(u64::MAX);
        out.str("钛合金");
        let mut r = In::new("x", &out.bytes);
        for w in ws {
            assert_eq!(r.weight().unwrap().to_bits(), f32::to_bits(w));
        }
        assert_eq!(r.varint().unwrap(), u64::MAX);
        assert_eq!(r.str().unwrap(), "钛合金");
        r.end().unwrap();
        assert!(In::new("x", &[0x80]).varint().is_err());
        assert!(In::new("x", &[5]).count(1).is_err());
    }
}
