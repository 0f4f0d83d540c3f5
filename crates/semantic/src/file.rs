//! The coopmatch model file (`.cme`): the tokenizer's vocabulary and
//! normaliser and the encoder's weights, written once by `cargo xtask model`
//! from the registry's model and loaded by the browser and the CLI.
//!
//! # Format, version 1
//!
//! All integers and floats are little-endian.
//!
//! ```text
//! header (28 bytes)
//!   magic      8 bytes  89 'C' 'M' 'E' 0D 0A 1A 0A  (PNG-style: catches text-mode mangling)
//!   version    u32      1
//!   length     u64      byte length of the payload
//!   checksum   u64      of the payload (the `.cmx` index's sum, see checksum.rs)
//! payload
//!   about      u32 n, n bytes of UTF-8: where the weights came from, how
//!              the vocabulary was pruned
//!   config     u32 hidden, u32 layers, u32 heads, u32 ff, u32 positions, f32 eps
//!   vocabulary u32 n, u32 bos, u32 eos, u32 pad, u32 unk, f32 unk_score,
//!              n × f32 score, n × u8 byte length, then the n pieces' UTF-8
//!   normaliser u32 n, n × (u32 code point, u8 k, k × u32 code point),
//!              sorted by code point
//!   weights    Q4_0 blocks (see quant.rs) for matrices, f32 for vectors:
//!              word embeddings  n × hidden (Q4_0), row i for piece i
//!              positions        positions × hidden
//!              token type 0     hidden
//!              embedding norm   weight hidden, bias hidden
//!              per layer: query, key, value, attention output
//!                         (hidden × hidden Q4_0 and bias hidden each),
//!                         attention norm (weight, bias),
//!                         feed-forward in (ff × hidden, bias ff),
//!                         feed-forward out (hidden × ff, bias hidden),
//!                         output norm (weight, bias)
//! ```
//!
//! Everything is checked on load before anything is trusted: magic,
//! version, length, checksum, the configuration's ranges, every count
//! against the bytes left (before allocating), UTF-8, finite scales and
//! floats, no bytes left over. A truncated, corrupted or wrong-version file
//! is an [`Error`] of its own kind, never a panic.

use crate::checksum::checksum;
use crate::error::{Error, ErrorKind, Result};
use crate::quant::{f16_to_f32, Q4Matrix, Q4_BLOCK_BYTES, QK};
use crate::tokenizer::{Normaliser, Vocabulary};

/// The first 8 bytes of every model file.
pub const MAGIC: [u8; 8] = [0x89, b'C', b'M', b'E', 0x0D, 0x0A, 0x1A, 0x0A];
/// The format version this build writes and reads.
pub const VERSION: u32 = 1;
/// Header size: magic, version, payload length, checksum.
pub const HEADER_LEN: usize = 8 + 4 + 8 + 8;

/// The encoder's shape.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Config {
    pub hidden: usize,
    pub layers: usize,
    pub heads: usize,
    pub ff: usize,
    /// Positions the model has embeddings for (tokens per window).
    pub positions: usize,
    /// Layer norm epsilon.
    pub eps: f32,
}

impl Config {
    /// Limits well above multilingual-e5-small's (384, 12, 12, 1536, 512)
    /// that keep every size computed from a config far from overflow.
    fn check(&self) -> Result<()> {
        let bad = |what: String| Err(Error::invalid(format!("model config: {what}")));
        if self.hidden == 0 || self.hidden > 4096 || self.hidden % QK != 0 {
            return bad(format!("hidden size {}", self.hidden));
        }
        if self.heads == 0 || self.hidden % self.heads != 0 {
            return bad(format!(
                "{} heads for hidden size {}",
                self.heads, self.hidden
            ));
        }
        if self.layers == 0 || self.layers > 64 {
            return bad(format!("{} layers", self.layers));
        }
        if self.ff == 0 || self.ff > 16384 || self.ff % QK != 0 {
            return bad(format!("feed-forward size {}", self.ff));
        }
        if self.positions < 3 || self.positions > 8192 {
            return bad(format!("{} positions", self.positions));
        }
        if !(self.eps.is_finite() && self.eps > 0.0) {
            return bad(format!("layer norm epsilon {}", self.eps));
        }
        Ok(())
    }
}

/// A layer norm's scale and shift.
#[derive(Debug, Clone, PartialEq)]
pub struct Norm {
    pub weight: Vec<f32>,
    pub bias: Vec<f32>,
}

/// A linear layer: `y = W x + b`, `W` of `out × in`.
#[derive(Debug, Clone, PartialEq)]
pub struct Linear {
    pub weight: Q4Matrix,
    pub bias: Vec<f32>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Layer {
    pub query: Linear,
    pub key: Linear,
    pub value: Linear,
    pub attention_out: Linear,
    pub attention_norm: Norm,
    pub ff_in: Linear,
    pub ff_out: Linear,
    pub output_norm: Norm,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Weights {
    /// One row per vocabulary piece.
    pub word: Q4Matrix,
    /// `positions × hidden`.
    pub position: Vec<f32>,
    /// The embedding of token type 0, the only one e5 uses.
    pub token_type: Vec<f32>,
    pub embedding_norm: Norm,
    pub layers: Vec<Layer>,
}

/// Everything a model file holds.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelParts {
    pub about: String,
    pub config: Config,
    pub vocabulary: Vocabulary,
    pub normaliser: Normaliser,
    pub weights: Weights,
}

// ---------------------------------------------------------------- write ---

/// The file bytes of `parts`. The shapes must agree with the config (the
/// caller builds them; [`read`] checks them); pieces are at most 255 bytes
/// and normaliser replacements at most 255 characters (XLM-R's longest
/// piece is 48 bytes, its longest replacement 18 characters).
pub fn write(parts: &ModelParts) -> Vec<u8> {
    let too_long = parts.vocabulary.pieces.iter().find(|p| p.len() > 255);
    assert!(
        too_long.is_none(),
        "piece {too_long:?} longer than 255 bytes"
    );
    let too_long = parts.normaliser.entries.iter().find(|e| e.1.len() > 255);
    assert!(
        too_long.is_none(),
        "normaliser entry {too_long:?} longer than 255"
    );
    let mut w = Writer::default();
    w.u32(parts.about.len() as u32);
    w.bytes(parts.about.as_bytes());
    let c = &parts.config;
    for v in [c.hidden, c.layers, c.heads, c.ff, c.positions] {
        w.u32(v as u32);
    }
    w.f32(c.eps);

    let v = &parts.vocabulary;
    w.u32(v.pieces.len() as u32);
    for id in [v.bos, v.eos, v.pad, v.unk] {
        w.u32(id);
    }
    w.f32(v.unk_score);
    v.scores.iter().for_each(|&s| w.f32(s));
    v.pieces.iter().for_each(|p| w.out.push(p.len() as u8));
    v.pieces.iter().for_each(|p| w.bytes(p.as_bytes()));

    w.u32(parts.normaliser.entries.len() as u32);
    for (from, to) in &parts.normaliser.entries {
        w.u32(u32::from(*from));
        w.out.push(to.len() as u8);
        to.iter().for_each(|&c| w.u32(u32::from(c)));
    }

    let ws = &parts.weights;
    w.bytes(&ws.word.blocks);
    w.floats(&ws.position);
    w.floats(&ws.token_type);
    w.norm(&ws.embedding_norm);
    for layer in &ws.layers {
        for linear in [&layer.query, &layer.key, &layer.value, &layer.attention_out] {
            w.linear(linear);
        }
        w.norm(&layer.attention_norm);
        w.linear(&layer.ff_in);
        w.linear(&layer.ff_out);
        w.norm(&layer.output_norm);
    }

    let payload = w.out;
    let mut file = Vec::with_capacity(HEADER_LEN + payload.len());
    file.extend_from_slice(&MAGIC);
    file.extend_from_slice(&VERSION.to_le_bytes());
    file.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    file.extend_from_slice(&checksum(&payload).to_le_bytes());
    file.extend_from_slice(&payload);
    file
}

#[derive(Default)]
struct Writer {
    out: Vec<u8>,
}

impl Writer {
    fn u32(&mut self, v: u32) {
        self.out.extend_from_slice(&v.to_le_bytes());
    }
    fn f32(&mut self, v: f32) {
        self.out.extend_from_slice(&v.to_le_bytes());
    }
    fn bytes(&mut self, b: &[u8]) {
        self.out.extend_from_slice(b);
    }
    fn floats(&mut self, v: &[f32]) {
        v.iter().for_each(|&x| self.f32(x));
    }
    fn norm(&mut self, n: &Norm) {
        self.floats(&n.weight);
        self.floats(&n.bias);
    }
    fn linear(&mut self, l: &Linear) {
        self.bytes(&l.weight.blocks);
        self.floats(&l.bias);
    }
}

// ----------------------------------------------------------------- read ---

/// Reads and checks a model file.
pub fn read(file: &[u8]) -> Result<ModelParts> {
    let payload = check_header(file)?;
    let mut r = Reader { rest: payload };

    let about_len = r.u32()? as usize;
    let about = std::str::from_utf8(r.take(about_len, "description")?)
        .map_err(|_| Error::invalid("model description is not UTF-8"))?
        .to_string();

    let config = Config {
        hidden: r.u32()? as usize,
        layers: r.u32()? as usize,
        heads: r.u32()? as usize,
        ff: r.u32()? as usize,
        positions: r.u32()? as usize,
        eps: r.f32()?,
    };
    config.check()?;

    let vocabulary = read_vocabulary(&mut r)?;
    let normaliser = read_normaliser(&mut r)?;

    let h = config.hidden;
    let word = r.q4(vocabulary.pieces.len(), h, "word embeddings")?;
    let position = r.floats(config.positions * h, "position embeddings")?;
    let token_type = r.floats(h, "token type embedding")?;
    let embedding_norm = r.norm(h)?;
    let mut layers = Vec::with_capacity(config.layers);
    for _ in 0..config.layers {
        let query = r.linear(h, h)?;
        let key = r.linear(h, h)?;
        let value = r.linear(h, h)?;
        let attention_out = r.linear(h, h)?;
        let attention_norm = r.norm(h)?;
        let ff_in = r.linear(config.ff, h)?;
        let ff_out = r.linear(h, config.ff)?;
        let output_norm = r.norm(h)?;
        layers.push(Layer {
            query,
            key,
            value,
            attention_out,
            attention_norm,
            ff_in,
            ff_out,
            output_norm,
        });
    }
    if !r.rest.is_empty() {
        return Err(Error::invalid(format!(
            "{} bytes left over after the last layer",
            r.rest.len()
        )));
    }
    Ok(ModelParts {
        about,
        config,
        vocabulary,
        normaliser,
        weights: Weights {
            word,
            position,
            token_type,
            embedding_norm,
            layers,
        },
    })
}

/// Checks magic, version, length and checksum; returns the payload.
fn check_header(file: &[u8]) -> Result<&[u8]> {
    let Some(magic) = file.get(..MAGIC.len()) else {
        return Err(if MAGIC.starts_with(file) && !file.is_empty() {
            Error::new(ErrorKind::Truncated, "model file ends inside its header")
        } else {
            Error::new(
                ErrorKind::NotAModel,
                "not a coopmatch model file (too short)",
            )
        });
    };
    if magic != MAGIC {
        return Err(Error::new(
            ErrorKind::NotAModel,
            "not a coopmatch model file (wrong magic bytes)",
        ));
    }
    if file.len() < HEADER_LEN {
        return Err(Error::new(
            ErrorKind::Truncated,
            format!(
                "model file ends inside its header ({} of {HEADER_LEN} bytes)",
                file.len()
            ),
        ));
    }
    let le32 = |at: usize| u32::from_le_bytes([file[at], file[at + 1], file[at + 2], file[at + 3]]);
    let le64 = |at: usize| u64::from(le32(at)) | (u64::from(le32(at + 4)) << 32);
    let version = le32(8);
    if version != VERSION {
        return Err(Error::new(
            ErrorKind::Version,
            format!("model file format version {version}; this build reads version {VERSION} (rebuild it with `cargo xtask model`)"),
        ));
    }
    let length = le64(12);
    let have = (file.len() - HEADER_LEN) as u64;
    if have < length {
        return Err(Error::new(
            ErrorKind::Truncated,
            format!("model file truncated: {have} of {length} payload bytes"),
        ));
    }
    if have > length {
        return Err(Error::invalid(format!(
            "model file has {} bytes after its {length}-byte payload",
            have - length
        )));
    }
    let payload = &file[HEADER_LEN..];
    if checksum(payload) != le64(20) {
        return Err(Error::new(
            ErrorKind::Checksum,
            "model file damaged: its checksum does not match",
        ));
    }
    Ok(payload)
}

fn read_vocabulary(r: &mut Reader) -> Result<Vocabulary> {
    let n = r.u32()? as usize;
    let bos = r.u32()?;
    let eos = r.u32()?;
    let pad = r.u32()?;
    let unk = r.u32()?;
    let unk_score = r.f32()?;
    // Each piece takes at least 4 + 1 + 1 bytes: checks n before allocating.
    if n.saturating_mul(6) > r.rest.len() {
        return Err(Error::invalid(format!(
            "vocabulary of {n} pieces does not fit in the file"
        )));
    }
    let scores = r.floats(n, "piece scores")?;
    let lengths = r.take(n, "piece lengths")?.to_vec();
    let mut pieces = Vec::with_capacity(n);
    for len in lengths {
        let bytes = r.take(usize::from(len), "pieces")?;
        let piece = std::str::from_utf8(bytes)
            .map_err(|_| Error::invalid(format!("piece {} is not UTF-8", pieces.len())))?;
        pieces.push(piece.to_string());
    }
    Ok(Vocabulary {
        pieces,
        scores,
        bos,
        eos,
        pad,
        unk,
        unk_score,
    })
}

fn read_normaliser(r: &mut Reader) -> Result<Normaliser> {
    let n = r.u32()? as usize;
    if n.saturating_mul(5) > r.rest.len() {
        return Err(Error::invalid(format!(
            "normaliser of {n} entries does not fit in the file"
        )));
    }
    let char_at = |v: u32| {
        char::from_u32(v).ok_or_else(|| Error::invalid(format!("normaliser code point {v:#x}")))
    };
    let mut entries = Vec::with_capacity(n);
    for _ in 0..n {
        let from = char_at(r.u32()?)?;
        let k = usize::from(r.take(1, "normaliser")?[0]);
        let mut to = Vec::with_capacity(k);
        for _ in 0..k {
            to.push(char_at(r.u32()?)?);
        }
        entries.push((from, to));
    }
    Ok(Normaliser { entries })
}

struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8]> {
        if n > self.rest.len() {
            return Err(Error::invalid(format!(
                "model file ends inside its {what} ({n} bytes wanted, {} left)",
                self.rest.len()
            )));
        }
        let (head, rest) = self.rest.split_at(n);
        self.rest = rest;
        Ok(head)
    }

    fn u32(&mut self) -> Result<u32> {
        let b = self.take(4, "header fields")?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn f32(&mut self) -> Result<f32> {
        self.u32().map(f32::from_bits)
    }

    fn floats(&mut self, n: usize, what: &str) -> Result<Vec<f32>> {
        let bytes = self.take(n.saturating_mul(4), what)?;
        let v: Vec<f32> = bytes
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
        if v.iter().any(|x| !x.is_finite()) {
            return Err(Error::invalid(format!(
                "{what}: a value is not a finite number"
            )));
        }
        Ok(v)
    }

    fn q4(&mut self, rows: usize, cols: usize, what: &str) -> Result<Q4Matrix> {
        let blocks = self.take(Q4Matrix::byte_len(rows, cols), what)?;
        for block in blocks.chunks_exact(Q4_BLOCK_BYTES) {
            if !f16_to_f32(u16::from_le_bytes([block[0], block[1]])).is_finite() {
                return Err(Error::invalid(format!(
                    "{what}: a block scale is not a finite number"
                )));
            }
        }
        Ok(Q4Matrix {
            rows,
            cols,
            blocks: blocks.to_vec(),
        })
    }

    fn norm(&mut self, n: usize) -> Result<Norm> {
        Ok(Norm {
            weight: self.floats(n, "layer norm weight")?,
            bias: self.floats(n, "layer norm bias")?,
        })
    }

    fn linear(&mut self, rows: usize, cols: usize) -> Result<Linear> {
        Ok(Linear {
            weight: self.q4(rows, cols, "weight matrix")?,
            bias: self.floats(rows, "bias")?,
        })
    }
}
