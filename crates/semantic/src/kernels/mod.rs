//! The encoder's hot loop: `Y = X Wᵀ + b` with 4-bit weights (Q4_0) and
//! 8-bit activations (Q8_0), in integers within each block of 32 and in
//! `f32` across blocks, as the reference engine computes it.
//!
//! Why hand-written int8 rather than a library: no maintained crate runs
//! Q4_0 × Q8_0 products in WebAssembly; candle's quantised kernels were
//! slower than its `f32` ones there, and `f32` without FMA (SIMD128 has
//! none) does a multiply-accumulate in two instructions where
//! `i16x8.extmul` does eight in one. See the commit that added this file
//! for the measurements.
//!
//! Every kernel returns the same bits: each block's dot product is an exact
//! integer (however a kernel sums it), and the `f32` steps are the same
//! operations in the same order — `acc += (dw · da) · dot` block after block,
//! then `+ bias` — with no fused multiply-add. So native and WebAssembly
//! embeddings are identical, and each SIMD kernel is tested against the
//! scalar one for equality.

use crate::file::Linear;
use crate::quant::{f16_to_f32, QuantisedActs, Q4_BLOCK_BYTES, QK};

#[cfg(target_arch = "x86_64")]
mod x86;

#[cfg(target_arch = "wasm32")]
mod wasm;

/// Output rows computed together, sharing each activation block.
pub(crate) const ROWS: usize = 4;

/// A linear layer's weights rearranged for the kernels: rows in groups of
/// [`ROWS`]; within a group, block by block, the group's rows' 32 nibbles
/// as bytes 0–15 (unsigned: the kernels subtract 8 × the activation sum,
/// as AVX2's unsigned-by-signed multiply needs), and the rows' scales.
#[derive(Debug, Clone)]
pub(crate) struct PackedLinear {
    pub rows: usize,
    pub cols: usize,
    /// `[group][block][row in group][32]`.
    pub weights: Vec<u8>,
    /// `[group][block][row in group]`.
    pub scales: Vec<f32>,
    pub bias: Vec<f32>,
}

impl PackedLinear {
    /// Packs a checked linear layer (`rows` a multiple of [`ROWS`]).
    pub fn new(linear: &Linear) -> PackedLinear {
        let (rows, cols) = (linear.weight.rows, linear.weight.cols);
        assert!(
            rows % ROWS == 0 && cols % QK == 0,
            "layer shape {rows}×{cols}"
        );
        let nb = cols / QK;
        let mut weights = vec![0u8; rows * cols];
        let mut scales = vec![0f32; rows * nb];
        for r in 0..rows {
            let (g, i) = (r / ROWS, r % ROWS);
            for (b, block) in linear
                .weight
                .row(r)
                .chunks_exact(Q4_BLOCK_BYTES)
                .enumerate()
            {
                let at = (g * nb + b) * ROWS + i;
                scales[at] = f16_to_f32(u16::from_le_bytes([block[0], block[1]]));
                let w = &mut weights[at * QK..(at + 1) * QK];
                for (j, &byte) in block[2..].iter().enumerate() {
                    w[j] = byte & 0x0f;
                    w[j + QK / 2] = byte >> 4;
                }
            }
        }
        PackedLinear {
            rows,
            cols,
            weights,
            scales,
            bias: linear.bias.clone(),
        }
    }

    /// `out[t][r] = Σ_b (dw·da)·dot_b + bias[r]` for every token `t` of
    /// `acts` (`out` is `acts.rows × self.rows`).
    pub fn apply(&self, acts: &QuantisedActs, out: &mut [f32]) {
        assert_eq!(acts.cols, self.cols);
        assert_eq!(out.len(), acts.rows * self.rows);
        #[cfg(target_arch = "x86_64")]
        if avx2_available() {
            // SAFETY: the CPU has AVX2 (checked at run time just above).
            unsafe { x86::apply(self, acts, out) };
            return;
        }
        #[cfg(target_arch = "wasm32")]
        {
            wasm::apply(self, acts, out);
            return;
        }
        #[allow(unreachable_code)]
        apply_scalar(self, acts, out);
    }
}

/// Whether this x86-64 CPU has AVX2 (checked once, then cached by std).
#[cfg(target_arch = "x86_64")]
pub(crate) fn avx2_available() -> bool {
    x86::available()
}

/// The reference kernel, and the one used where no SIMD kernel applies.
pub(crate) fn apply_scalar(w: &PackedLinear, acts: &QuantisedActs, out: &mut [f32]) {
    let nb = w.cols / QK;
    for t in 0..acts.rows {
        let a = &acts.values[t * w.cols..(t + 1) * w.cols];
        let da = &acts.scales[t * nb..(t + 1) * nb];
        let sa = &acts.sums[t * nb..(t + 1) * nb];
        for g in 0..w.rows / ROWS {
            let mut acc = [0f32; ROWS];
            for b in 0..nb {
                let ab = &a[b * QK..(b + 1) * QK];
                for (i, acc) in acc.iter_mut().enumerate() {
                    let at = (g * nb + b) * ROWS + i;
                    let wb = &w.weights[at * QK..(at + 1) * QK];
                    let dot: i32 = wb
                        .iter()
                        .zip(ab)
                        .map(|(&w, &a)| i32::from(w) * i32::from(a))
                        .sum();
                    *acc += (w.scales[at] * da[b]) * (dot - 8 * sa[b]) as f32;
                }
            }
            let o = &mut out[t * w.rows + g * ROWS..t * w.rows + (g + 1) * ROWS];
            for (i, o) in o.iter_mut().enumerate() {
                *o = acc[i] + w.bias[g * ROWS + i];
            }
        }
    }
}

/// Which kernel [`PackedLinear::apply`] runs here (for benchmarks and
/// reports).
pub fn kernel_name() -> &'static str {
    #[cfg(target_arch = "x86_64")]
    if avx2_available() {
        return "avx2";
    }
    #[cfg(target_arch = "wasm32")]
    return "simd128";
    #[allow(unreachable_code)]
    "scalar"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quant::Q4Matrix;

    /// A deterministic pseudo-random layer and activations.
    fn layer(rows: usize, cols: usize, seed: u64) -> (Linear, Vec<f32>) {
        let mut s = seed;
        let mut next = move || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            s
        };
        let mut blocks = Vec::new();
        for _ in 0..rows * cols / QK {
            // Scales of either sign and varied size, as half floats.
            let d = ((next() % 2000) as f32 - 1000.0) / 50_000.0;
            blocks.extend_from_slice(&half(d).to_le_bytes());
            blocks.extend((0..16).map(|_| next() as u8));
        }
        let bias = (0..rows)
            .map(|_| (next() % 100) as f32 / 100.0 - 0.5)
            .collect();
        let linear = Linear {
            weight: Q4Matrix { rows, cols, blocks },
            bias,
        };
        let x = (0..cols * 7)
            .map(|i| {
                let v = (next() % 10_000) as f32 / 1000.0 - 5.0;
                // Some large outliers, as transformer activations have.
                if i % 97 == 3 {
                    v * 20.0
                } else {
                    v
                }
            })
            .collect();
        (linear, x)
    }

    fn half(x: f32) -> u16 {
        // Enough for test values: normal halves only, truncating.
        let bits = x.to_bits();
        let sign = ((bits >> 16) & 0x8000) as u16;
        let exp = ((bits >> 23) & 0xff) as i32 - 127 + 15;
        if x == 0.0 || exp <= 0 {
            return sign;
        }
        sign | ((exp as u16) << 10) | (((bits >> 13) & 0x3ff) as u16)
    }

    #[test]
    fn kernels_match_the_dequantised_product() {
        let (linear, x) = layer(8, 64, 7);
        let packed = PackedLinear::new(&linear);
        let mut acts = QuantisedActs::default();
        acts.quantise(&x[..2 * 64], 2, 64);
        let mut out = vec![0f32; 2 * 8];
        apply_scalar(&packed, &acts, &mut out);
        // The same product from dequantised weights and activations.
        for t in 0..2 {
            for r in 0..8 {
                let mut w = vec![0f32; 64];
                crate::quant::dequantise_row(linear.weight.row(r), &mut w);
                let want: f64 = (0..64)
                    .map(|j| {
                        let a = f64::from(acts.values[t * 64 + j])
                            * f64::from(acts.scales[t * 2 + j / 32]);
                        f64::from(w[j]) * a
                    })
                    .sum::<f64>()
                    + f64::from(linear.bias[r]);
                let got = f64::from(out[t * 8 + r]);
                assert!(
                    (got - want).abs() < 1e-4 * (1.0 + want.abs()),
                    "t{t} r{r}: {got} vs {want}"
                );
            }
        }
    }

    #[test]
    fn simd_kernel_returns_the_scalar_kernels_bits() {
        for (rows, cols, tokens) in [(4, 32, 1), (8, 384, 7), (12, 1536, 5), (16, 384, 2)] {
            let (linear, x) = layer(rows, cols, rows as u64 * 31 + cols as u64);
            let packed = PackedLinear::new(&linear);
            let mut acts = QuantisedActs::default();
            let tokens = tokens.min(x.len() / cols);
            acts.quantise(&x[..tokens * cols], tokens, cols);
            let mut want = vec![0f32; tokens * rows];
            apply_scalar(&packed, &acts, &mut want);
            let mut got = vec![0f32; tokens * rows];
            packed.apply(&acts, &mut got);
            let same = want
                .iter()
                .zip(&got)
                .all(|(a, b)| a.to_bits() == b.to_bits());
            assert!(
                same,
                "{} kernel differs for {rows}×{cols}, {tokens} tokens",
                kernel_name()
            );
        }
    }
}
