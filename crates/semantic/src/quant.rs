//! The 4-bit weight format and the 8-bit activation format of the reference
//! engine (ggml's Q4_0 and Q8_0): blocks of 32 values sharing one scale.
//!
//! A Q4_0 block is 18 bytes: an IEEE half-precision scale `d`, then 16
//! bytes whose low nibbles are values 0–15 and high nibbles values 16–31;
//! value `j` is `(nibble_j - 8) * d`. Activations are quantised per block to
//! `round(x / d)` with `d = max|x| / 127`, rounding half to even as the
//! reference's `lrintf` does.

/// Values per block.
pub const QK: usize = 32;
/// Bytes per Q4_0 block.
pub const Q4_BLOCK_BYTES: usize = 2 + QK / 2;

/// A matrix of `rows × cols` weights in Q4_0 blocks, row by row.
#[derive(Debug, Clone, PartialEq)]
pub struct Q4Matrix {
    pub rows: usize,
    pub cols: usize,
    /// `rows * cols / 32` blocks of 18 bytes.
    pub blocks: Vec<u8>,
}

impl Q4Matrix {
    pub fn byte_len(rows: usize, cols: usize) -> usize {
        rows * (cols / QK) * Q4_BLOCK_BYTES
    }

    /// The bytes of row `r` (empty when out of range).
    pub fn row(&self, r: usize) -> &[u8] {
        let len = self.cols / QK * Q4_BLOCK_BYTES;
        self.blocks.get(r * len..(r + 1) * len).unwrap_or(&[])
    }

    /// The rows `keep` of this matrix, in that order.
    pub fn select_rows(&self, keep: &[usize]) -> Q4Matrix {
        let mut blocks = Vec::with_capacity(keep.len() * self.cols / QK * Q4_BLOCK_BYTES);
        for &r in keep {
            blocks.extend_from_slice(self.row(r));
        }
        Q4Matrix {
            rows: keep.len(),
            cols: self.cols,
            blocks,
        }
    }
}

/// Half-precision bits to `f32` (exact: every half is an `f32`).
pub fn f16_to_f32(h: u16) -> f32 {
    let sign = u32::from(h & 0x8000) << 16;
    let exp = u32::from((h >> 10) & 0x1f);
    let man = u32::from(h & 0x3ff);
    let bits = match (exp, man) {
        (0, 0) => sign,
        (0, _) => {
            // Subnormal half: normalise the mantissa.
            let shift = man.leading_zeros() - 21;
            let man = (man << shift) & 0x3ff;
            sign | ((127 - 15 + 1 - shift) << 23) | (man << 13)
        }
        (31, _) => sign | 0x7f80_0000 | (man << 13),
        _ => sign | ((exp + 127 - 15) << 23) | (man << 13),
    };
    f32::from_bits(bits)
}

/// The scale and the 32 values (nibbles minus 8, so -8..=7) of one block.
pub fn q4_block(block: &[u8]) -> (f32, [i8; QK]) {
    let mut values = [0i8; QK];
    if block.len() < Q4_BLOCK_BYTES {
        return (0.0, values);
    }
    let d = f16_to_f32(u16::from_le_bytes([block[0], block[1]]));
    for (j, &byte) in block[2..Q4_BLOCK_BYTES].iter().enumerate() {
        values[j] = (byte & 0x0f) as i8 - 8;
        values[j + QK / 2] = (byte >> 4) as i8 - 8;
    }
    (d, values)
}

/// Dequantises a row of Q4_0 blocks into `out` (one value per weight).
pub fn dequantise_row(row: &[u8], out: &mut [f32]) {
    for (block, out) in row
        .chunks_exact(Q4_BLOCK_BYTES)
        .zip(out.chunks_exact_mut(QK))
    {
        let (d, values) = q4_block(block);
        for (o, &v) in out.iter_mut().zip(values.iter()) {
            *o = f32::from(v) * d;
        }
    }
}

/// Activations of `rows` tokens quantised per block of 32 (Q8_0).
#[derive(Debug, Default)]
pub struct QuantisedActs {
    /// `rows × cols` values.
    pub values: Vec<i8>,
    /// One scale per block: `rows × cols / 32`.
    pub scales: Vec<f32>,
    /// The sum of each block's values (the AVX2 kernel needs it to undo
    /// the unsigned weights it multiplies).
    pub sums: Vec<i32>,
    pub rows: usize,
    pub cols: usize,
}

impl QuantisedActs {
    /// Quantises `x` (`rows × cols`, `cols` a multiple of 32) in place of
    /// the previous contents, reusing the buffers.
    #[inline(always)]
    pub fn quantise(&mut self, x: &[f32], rows: usize, cols: usize) {
        let blocks = rows * cols / QK;
        self.values.resize(rows * cols, 0);
        self.scales.resize(blocks, 0.0);
        self.sums.resize(blocks, 0);
        self.rows = rows;
        self.cols = cols;
        for (((x, q), d), s) in x
            .chunks_exact(QK)
            .zip(self.values.chunks_exact_mut(QK))
            .zip(self.scales.iter_mut())
            .zip(self.sums.iter_mut())
        {
            let amax = x.iter().fold(0.0f32, |m, v| m.max(v.abs()));
            let scale = amax / 127.0;
            let inverse = if scale > 0.0 { 1.0 / scale } else { 0.0 };
            let mut sum = 0;
            for (q, &v) in q.iter_mut().zip(x) {
                let r = (v * inverse).round_ties_even().clamp(-128.0, 127.0) as i8;
                *q = r;
                sum += i32::from(r);
            }
            *d = scale;
            *s = sum;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_precision_values() {
        assert_eq!(f16_to_f32(0x3c00), 1.0);
        assert_eq!(f16_to_f32(0xc000), -2.0);
        assert_eq!(f16_to_f32(0x7bff), 65504.0);
        assert_eq!(f16_to_f32(0x0001), 2f32.powi(-24));
        assert_eq!(f16_to_f32(0x03ff), 1023.0 * 2f32.powi(-24));
        assert_eq!(f16_to_f32(0x0400), 2f32.powi(-14));
        assert_eq!(f16_to_f32(0x8000).to_bits(), 0x8000_0000);
        assert!(f16_to_f32(0x7c00).is_infinite());
        assert!(f16_to_f32(0x7e00).is_nan());
    }

    #[test]
    fn q4_nibbles_low_then_high() {
        let mut block = vec![0x00, 0x3c]; // d = 1.0
        block.extend((0..16u8).map(|j| (j & 0x0f) | ((15 - j) << 4)));
        let (d, v) = q4_block(&block);
        assert_eq!(d, 1.0);
        assert_eq!(v[0], -8);
        assert_eq!(v[15], 7);
        assert_eq!(v[16], 7);
        assert_eq!(v[31], -8);
    }

    #[test]
    fn activations_round_half_to_even_and_keep_sums() {
        let mut x = vec![0.0f32; 32];
        x[0] = 127.0;
        x[1] = 2.5;
        x[2] = -3.5;
        x[3] = -127.0;
        let mut q = QuantisedActs::default();
        q.quantise(&x, 1, 32);
        assert_eq!(q.scales, [1.0]);
        assert_eq!(&q.values[..4], &[127, 2, -4, -127]);
        assert_eq!(q.sums, [127 + 2 - 4 - 127]);
        q.quantise(&[0.0; 32], 1, 32);
        assert_eq!(q.scales, [0.0]);
        assert!(q.values.iter().all(|&v| v == 0));
    }
}
