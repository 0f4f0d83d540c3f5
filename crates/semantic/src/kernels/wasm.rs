//! The WebAssembly SIMD128 kernel: `i16x8.extmul` multiplies eight weight
//! bytes (0–15, so exact as signed bytes) by eight activation bytes at a
//! time; the four products of each lane (at most 4 × 15 × 128, so exact in
//! i16) are summed in i16, widened pairwise to i32, and a 4×4 transpose adds
//! four rows' lanes into their four block dot products at once. Two tokens
//! per pass share each weight load.
//!
//! Every function is compiled for SIMD128 by `target_feature` rather than
//! by a `RUSTFLAGS` of the whole build, so the matcher's module, built in
//! the same target directory, stays without it.

use super::{PackedLinear, ROWS};
use crate::quant::{QuantisedActs, QK};
use core::arch::wasm32::*;

#[target_feature(enable = "simd128")]
pub(super) fn apply(w: &PackedLinear, acts: &QuantisedActs, out: &mut [f32]) {
    let nb = w.cols / QK;
    let tokens = acts.rows;
    for g in 0..w.rows / ROWS {
        let wg = &w.weights[g * nb * ROWS * QK..(g + 1) * nb * ROWS * QK];
        let sg = &w.scales[g * nb * ROWS..(g + 1) * nb * ROWS];
        let bias = load_f32x4(&w.bias[g * ROWS..]);
        let mut t = 0;
        while t + 2 <= tokens {
            let (acc0, acc1) = two_tokens(wg, sg, acts, t, nb);
            store_f32x4(&mut out[t * w.rows + g * ROWS..], f32x4_add(acc0, bias));
            store_f32x4(
                &mut out[(t + 1) * w.rows + g * ROWS..],
                f32x4_add(acc1, bias),
            );
            t += 2;
        }
        if t < tokens {
            let acc = one_token(wg, sg, acts, t, nb);
            store_f32x4(&mut out[t * w.rows + g * ROWS..], f32x4_add(acc, bias));
        }
    }
}

#[inline]
#[target_feature(enable = "simd128")]
fn load_f32x4(s: &[f32]) -> v128 {
    f32x4(s[0], s[1], s[2], s[3])
}

#[inline]
#[target_feature(enable = "simd128")]
fn store_f32x4(s: &mut [f32], v: v128) {
    s[0] = f32x4_extract_lane::<0>(v);
    s[1] = f32x4_extract_lane::<1>(v);
    s[2] = f32x4_extract_lane::<2>(v);
    s[3] = f32x4_extract_lane::<3>(v);
}

#[inline]
#[target_feature(enable = "simd128")]
fn load_v128(s: &[u8]) -> v128 {
    assert!(s.len() >= 16);
    // SAFETY: 16 bytes are in bounds (checked above); v128_load has no
    // alignment requirement.
    unsafe { v128_load(s.as_ptr() as *const v128) }
}

/// One row's block products as four i32 lane sums.
#[inline]
#[target_feature(enable = "simd128")]
fn row_lanes(w: &[u8], a0: v128, a1: v128) -> v128 {
    let w0 = load_v128(w);
    let w1 = load_v128(&w[16..]);
    let p = i16x8_add(
        i16x8_add(
            i16x8_extmul_low_i8x16(w0, a0),
            i16x8_extmul_high_i8x16(w0, a0),
        ),
        i16x8_add(
            i16x8_extmul_low_i8x16(w1, a1),
            i16x8_extmul_high_i8x16(w1, a1),
        ),
    );
    i32x4_extadd_pairwise_i16x8(p)
}

/// The four rows' dot products with one activation block.
#[inline]
#[target_feature(enable = "simd128")]
fn block_dots(wb: &[u8], a: &[u8]) -> v128 {
    let a0 = load_v128(a);
    let a1 = load_v128(&a[16..]);
    let v0 = row_lanes(wb, a0, a1);
    let v1 = row_lanes(&wb[QK..], a0, a1);
    let v2 = row_lanes(&wb[2 * QK..], a0, a1);
    let v3 = row_lanes(&wb[3 * QK..], a0, a1);
    // Transpose-and-add: lane i of the result is the sum of vi's lanes.
    let t0 = i32x4_add(
        i32x4_shuffle::<0, 4, 1, 5>(v0, v1),
        i32x4_shuffle::<2, 6, 3, 7>(v0, v1),
    ); // [v0a, v1a, v0b, v1b]
    let t1 = i32x4_add(
        i32x4_shuffle::<0, 4, 1, 5>(v2, v3),
        i32x4_shuffle::<2, 6, 3, 7>(v2, v3),
    ); // [v2a, v3a, v2b, v3b]
    i32x4_add(
        i32x4_shuffle::<0, 1, 4, 5>(t0, t1),
        i32x4_shuffle::<2, 3, 6, 7>(t0, t1),
    )
}

/// `acc + (dw · da) · (dot − 8 · sum)` for the four rows.
#[inline]
#[target_feature(enable = "simd128")]
fn accumulate(acc: v128, dots: v128, dw: v128, da: f32, sum: i32) -> v128 {
    let dots = i32x4_sub(dots, i32x4_splat(8 * sum));
    let scale = f32x4_mul(dw, f32x4_splat(da));
    f32x4_add(acc, f32x4_mul(scale, f32x4_convert_i32x4(dots)))
}

fn as_bytes(v: &[i8]) -> &[u8] {
    // SAFETY: i8 and u8 have the same size and alignment, and every bit
    // pattern is valid for both.
    unsafe { core::slice::from_raw_parts(v.as_ptr() as *const u8, v.len()) }
}

#[target_feature(enable = "simd128")]
fn two_tokens(wg: &[u8], sg: &[f32], acts: &QuantisedActs, t: usize, nb: usize) -> (v128, v128) {
    let cols = nb * QK;
    let a0 = as_bytes(&acts.values[t * cols..(t + 1) * cols]);
    let a1 = as_bytes(&acts.values[(t + 1) * cols..(t + 2) * cols]);
    let mut acc0 = f32x4_splat(0.0);
    let mut acc1 = f32x4_splat(0.0);
    for b in 0..nb {
        let wb = &wg[b * ROWS * QK..(b + 1) * ROWS * QK];
        let dw = load_f32x4(&sg[b * ROWS..]);
        let d0 = block_dots(wb, &a0[b * QK..]);
        let d1 = block_dots(wb, &a1[b * QK..]);
        acc0 = accumulate(acc0, d0, dw, acts.scales[t * nb + b], acts.sums[t * nb + b]);
        acc1 = accumulate(
            acc1,
            d1,
            dw,
            acts.scales[(t + 1) * nb + b],
            acts.sums[(t + 1) * nb + b],
        );
    }
    (acc0, acc1)
}

#[target_feature(enable = "simd128")]
fn one_token(wg: &[u8], sg: &[f32], acts: &QuantisedActs, t: usize, nb: usize) -> v128 {
    let cols = nb * QK;
    let a = as_bytes(&acts.values[t * cols..(t + 1) * cols]);
    let mut acc = f32x4_splat(0.0);
    for b in 0..nb {
        let wb = &wg[b * ROWS * QK..(b + 1) * ROWS * QK];
        let dw = load_f32x4(&sg[b * ROWS..]);
        acc = accumulate(
            acc,
            block_dots(wb, &a[b * QK..]),
            dw,
            acts.scales[t * nb + b],
            acts.sums[t * nb + b],
        );
    }
    acc
}
