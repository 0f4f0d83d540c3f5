//! The AVX2 kernel: `vpmaddubsw` multiplies 32 unsigned weight bytes by 32
//! signed activation bytes into 16 pair sums, `vpmaddwd` folds them into 8
//! sums of four, and three horizontal adds turn four rows' vectors into
//! their four block dot products at once. Two tokens per pass share each
//! weight load.

use super::{PackedLinear, ROWS};
use crate::quant::{QuantisedActs, QK};
use std::arch::x86_64::*;

pub(super) fn available() -> bool {
    std::arch::is_x86_feature_detected!("avx2")
}

/// # Safety
/// The CPU must support AVX2.
#[target_feature(enable = "avx2")]
pub(super) unsafe fn apply(w: &PackedLinear, acts: &QuantisedActs, out: &mut [f32]) {
    let nb = w.cols / QK;
    let tokens = acts.rows;
    for g in 0..w.rows / ROWS {
        let wg = &w.weights[g * nb * ROWS * QK..(g + 1) * nb * ROWS * QK];
        let sg = &w.scales[g * nb * ROWS..(g + 1) * nb * ROWS];
        let bias = _mm_loadu_ps(w.bias[g * ROWS..].as_ptr());
        let mut t = 0;
        while t + 2 <= tokens {
            let (acc0, acc1) = two_tokens(wg, sg, acts, t, nb);
            _mm_storeu_ps(
                out[t * w.rows + g * ROWS..].as_mut_ptr(),
                _mm_add_ps(acc0, bias),
            );
            _mm_storeu_ps(
                out[(t + 1) * w.rows + g * ROWS..].as_mut_ptr(),
                _mm_add_ps(acc1, bias),
            );
            t += 2;
        }
        if t < tokens {
            let acc = one_token(wg, sg, acts, t, nb);
            _mm_storeu_ps(
                out[t * w.rows + g * ROWS..].as_mut_ptr(),
                _mm_add_ps(acc, bias),
            );
        }
    }
}

/// The four rows' dot products with one activation block, as four i32.
#[inline]
#[target_feature(enable = "avx2")]
unsafe fn block_dots(w: [__m256i; 4], a: __m256i) -> __m128i {
    let ones = _mm256_set1_epi16(1);
    let v0 = _mm256_madd_epi16(_mm256_maddubs_epi16(w[0], a), ones);
    let v1 = _mm256_madd_epi16(_mm256_maddubs_epi16(w[1], a), ones);
    let v2 = _mm256_madd_epi16(_mm256_maddubs_epi16(w[2], a), ones);
    let v3 = _mm256_madd_epi16(_mm256_maddubs_epi16(w[3], a), ones);
    // Per 128-bit half: [v0, v1, v2, v3] partial sums; then add the halves.
    let h = _mm256_hadd_epi32(_mm256_hadd_epi32(v0, v1), _mm256_hadd_epi32(v2, v3));
    _mm_add_epi32(_mm256_castsi256_si128(h), _mm256_extracti128_si256(h, 1))
}

/// `acc + (dw · da) · (dot − 8 · sum)` for the four rows.
#[inline]
#[target_feature(enable = "avx2")]
unsafe fn accumulate(acc: __m128, dots: __m128i, dw: __m128, da: f32, sum: i32) -> __m128 {
    let dots = _mm_sub_epi32(dots, _mm_set1_epi32(8 * sum));
    let scale = _mm_mul_ps(dw, _mm_set1_ps(da));
    _mm_add_ps(acc, _mm_mul_ps(scale, _mm_cvtepi32_ps(dots)))
}

#[inline]
#[target_feature(enable = "avx2")]
unsafe fn load_weights(wg: &[u8], b: usize) -> [__m256i; 4] {
    let p = wg[b * ROWS * QK..(b + 1) * ROWS * QK].as_ptr() as *const __m256i;
    [
        _mm256_loadu_si256(p),
        _mm256_loadu_si256(p.add(1)),
        _mm256_loadu_si256(p.add(2)),
        _mm256_loadu_si256(p.add(3)),
    ]
}

#[target_feature(enable = "avx2")]
unsafe fn two_tokens(
    wg: &[u8],
    sg: &[f32],
    acts: &QuantisedActs,
    t: usize,
    nb: usize,
) -> (__m128, __m128) {
    let cols = nb * QK;
    let a0 = &acts.values[t * cols..(t + 1) * cols];
    let a1 = &acts.values[(t + 1) * cols..(t + 2) * cols];
    let (d0, d1) = (&acts.scales[t * nb..], &acts.scales[(t + 1) * nb..]);
    let (s0, s1) = (&acts.sums[t * nb..], &acts.sums[(t + 1) * nb..]);
    let mut acc0 = _mm_setzero_ps();
    let mut acc1 = _mm_setzero_ps();
    for b in 0..nb {
        let w = load_weights(wg, b);
        let dw = _mm_loadu_ps(sg[b * ROWS..].as_ptr());
        let x0 = _mm256_loadu_si256(a0[b * QK..].as_ptr() as *const __m256i);
        let x1 = _mm256_loadu_si256(a1[b * QK..].as_ptr() as *const __m256i);
        acc0 = accumulate(acc0, block_dots(w, x0), dw, d0[b], s0[b]);
        acc1 = accumulate(acc1, block_dots(w, x1), dw, d1[b], s1[b]);
    }
    (acc0, acc1)
}

#[target_feature(enable = "avx2")]
unsafe fn one_token(wg: &[u8], sg: &[f32], acts: &QuantisedActs, t: usize, nb: usize) -> __m128 {
    let cols = nb * QK;
    let a = &acts.values[t * cols..(t + 1) * cols];
    let mut acc = _mm_setzero_ps();
    for b in 0..nb {
        let w = load_weights(wg, b);
        let dw = _mm_loadu_ps(sg[b * ROWS..].as_ptr());
        let x = _mm256_loadu_si256(a[b * QK..].as_ptr() as *const __m256i);
        acc = accumulate(
            acc,
            block_dots(w, x),
            dw,
            acts.scales[t * nb + b],
            acts.sums[t * nb + b],
        );
    }
    acc
}
