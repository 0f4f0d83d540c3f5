//! The encoder's `f32` arithmetic besides the matrix products: layer norm,
//! GELU, softmax, dot products. Written so that every platform performs the
//! same operations in the same order (fixed 8-lane partial sums, no fused
//! multiply-add, our own `exp` and `erf` instead of the platform's libm),
//! which is what makes native and WebAssembly embeddings identical; the
//! fixed lanes also let the compiler vectorise the loops.

/// `Σ a[i]·b[i]` in eight interleaved partial sums, folded pairwise.
#[inline(always)]
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut lanes = [0f32; 8];
    let mut ca = a.chunks_exact(8);
    let mut cb = b.chunks_exact(8);
    for (x, y) in (&mut ca).zip(&mut cb) {
        for l in 0..8 {
            lanes[l] += x[l] * y[l];
        }
    }
    for (l, (x, y)) in ca.remainder().iter().zip(cb.remainder()).enumerate() {
        lanes[l] += x * y;
    }
    fold(lanes)
}

/// `Σ a[i]` the same way.
#[inline(always)]
pub fn sum(a: &[f32]) -> f32 {
    let mut lanes = [0f32; 8];
    let mut c = a.chunks_exact(8);
    for x in &mut c {
        for l in 0..8 {
            lanes[l] += x[l];
        }
    }
    for (l, x) in c.remainder().iter().enumerate() {
        lanes[l] += x;
    }
    fold(lanes)
}

#[inline(always)]
fn fold(l: [f32; 8]) -> f32 {
    ((l[0] + l[4]) + (l[1] + l[5])) + ((l[2] + l[6]) + (l[3] + l[7]))
}

/// `x = norm(x + y) · weight + bias` over each row of `hidden` values
/// (`y` absent: `norm(x)`).
#[inline(always)]
pub fn add_layer_norm(
    x: &mut [f32],
    y: Option<&[f32]>,
    weight: &[f32],
    bias: &[f32],
    hidden: usize,
    eps: f32,
) {
    for (t, row) in x.chunks_exact_mut(hidden).enumerate() {
        if let Some(y) = y {
            for (r, v) in row.iter_mut().zip(&y[t * hidden..(t + 1) * hidden]) {
                *r += v;
            }
        }
        let mean = sum(row) / hidden as f32;
        let mut lanes = [0f32; 8];
        let mut c = row.chunks_exact(8);
        for x in &mut c {
            for l in 0..8 {
                let d = x[l] - mean;
                lanes[l] += d * d;
            }
        }
        for (l, x) in c.remainder().iter().enumerate() {
            lanes[l] += (x - mean) * (x - mean);
        }
        let var = fold(lanes) / hidden as f32;
        let inv = 1.0 / (var + eps).sqrt();
        for ((r, w), b) in row.iter_mut().zip(weight).zip(bias) {
            *r = (*r - mean) * inv * w + b;
        }
    }
}

/// `e^x` to within 2 ulp for `x` in `[-87.3, 88]` (0 or `e^88` beyond).
/// Cephes' `expf`: `x = n·ln2 + r`, a degree-6 polynomial for `e^r`,
/// and `2^n` built in the exponent bits — without a float-to-int
/// conversion, so the compiler vectorises the loops calling it.
#[inline(always)]
pub fn exp(x: f32) -> f32 {
    let x = x.clamp(-87.3, 88.0);
    let n = (x * std::f32::consts::LOG2_E).round_ties_even();
    // ln 2 in two parts, so n·ln2 is subtracted exactly.
    let r = (x - n * 0.693_359_4) - n * -2.121_944_4e-4;
    let mut p = 1.987_569_1e-4f32;
    p = p * r + 1.398_199_9e-3;
    p = p * r + 8.333_452e-3;
    p = p * r + 4.166_579_6e-2;
    p = p * r + 1.666_666_5e-1;
    p = p * r + 0.5;
    let e = p * (r * r) + r + 1.0;
    // n + 127 is a whole number in 1..=254: added to 2^23 it lands in the
    // low bits of the sum's mantissa, from where it moves to the exponent.
    let biased = (n + (8_388_608.0 + 127.0)).to_bits() & 0xff;
    e * f32::from_bits(biased << 23)
}

/// The largest value of `a` (−∞ for none), eight lanes at a time; the
/// maximum is the same in any order.
#[inline(always)]
pub fn max(a: &[f32]) -> f32 {
    let mut lanes = [f32::NEG_INFINITY; 8];
    let mut c = a.chunks_exact(8);
    for x in &mut c {
        for l in 0..8 {
            lanes[l] = if x[l] > lanes[l] { x[l] } else { lanes[l] };
        }
    }
    for (l, &x) in c.remainder().iter().enumerate() {
        lanes[l] = if x > lanes[l] { x } else { lanes[l] };
    }
    lanes
        .iter()
        .fold(f32::NEG_INFINITY, |m, &x| if x > m { x } else { m })
}

/// `erf(x)`, from a rational approximation (Eigen's `erf` for `float`;
/// at most 4.2e-7 from the true value, a few ulp near ±1): beyond ±4
/// `erf` is ±1 in `f32`.
#[inline(always)]
pub fn erf(x: f32) -> f32 {
    let x = x.clamp(-4.0, 4.0);
    let x2 = x * x;
    let mut p = -2.726_142_3e-10f32;
    p = p * x2 + 2.770_681_4e-8;
    p = p * x2 + -2.101_024e-6;
    p = p * x2 + -5.692_506_4e-5;
    p = p * x2 + -7.349_906_3e-4;
    p = p * x2 + -2.954_6e-3;
    p = p * x2 + -1.609_603_3e-2;
    let p = p * x;
    let mut q = -1.456_607_2e-5f32;
    q = q * x2 + -2.133_740_6e-4;
    q = q * x2 + -1.682_827e-3;
    q = q * x2 + -7.373_329_2e-3;
    q = q * x2 + -1.426_474e-2;
    p / q
}

/// GELU as BERT defines it: `x/2 · (1 + erf(x/√2))`.
#[inline(always)]
pub fn gelu(x: f32) -> f32 {
    0.5 * x * (1.0 + erf(x * std::f32::consts::FRAC_1_SQRT_2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp_is_within_two_ulp_of_libm() {
        let mut worst = 0u32;
        let mut x = -87.0f32;
        while x < 88.0 {
            let (a, b) = (exp(x), libm::expf(x));
            worst = worst.max(a.to_bits().abs_diff(b.to_bits()));
            x += 0.001_37;
        }
        assert!(worst <= 2, "worst {worst} ulp");
        assert_eq!(exp(-200.0), exp(-87.3));
        assert!(exp(-87.3) > 0.0 && exp(100.0) == exp(88.0) && exp(88.0).is_finite());
        assert_eq!(exp(0.0), 1.0);
    }

    #[test]
    fn erf_is_close_to_libm() {
        let mut worst = 0f32;
        let mut x = -6.0f32;
        while x < 6.0 {
            worst = worst.max((erf(x) - libm::erff(x)).abs());
            x += 0.000_73;
        }
        assert!(worst < 5e-7, "worst {worst}");
    }

    #[test]
    fn max_of_any_length() {
        let a: Vec<f32> = (0..37).map(|i| ((i * 17) % 37) as f32 - 20.0).collect();
        assert_eq!(max(&a), 16.0);
        assert_eq!(max(&a[..3]), 14.0);
        assert_eq!(max(&[]), f32::NEG_INFINITY);
    }

    #[test]
    fn dot_and_sum_of_any_length() {
        let a: Vec<f32> = (0..37).map(|i| i as f32).collect();
        let b = vec![2.0f32; 37];
        assert_eq!(dot(&a, &b), 2.0 * 666.0);
        assert_eq!(sum(&a), 666.0);
        assert_eq!(sum(&[]), 0.0);
    }

    #[test]
    fn layer_norm_centres_and_scales() {
        let mut x = vec![1.0, 2.0, 3.0, 4.0, 10.0, 10.0, 10.0, 14.0];
        let y = vec![1.0; 8];
        add_layer_norm(&mut x, Some(&y), &[1.0; 4], &[0.5; 4], 4, 1e-12);
        for row in x.chunks(4) {
            let mean: f32 = row.iter().sum::<f32>() / 4.0;
            let var: f32 = row.iter().map(|v| (v - mean).powi(2)).sum::<f32>() / 4.0;
            assert!(
                (mean - 0.5).abs() < 1e-6 && (var - 1.0).abs() < 1e-5,
                "{row:?}"
            );
        }
    }
}
