//! The BERT encoder of multilingual-e5-small (XLM-R architecture): token,
//! position and type embeddings and a layer norm, then per layer
//! self-attention and a GELU feed-forward block, each followed by a residual
//! layer norm; the output is the mean of the final hidden states. The
//! linear layers run in int8 (see `kernels`); attention, norms and GELU in
//! `f32` (see `math`). The order of operations follows the reference engine.

use crate::error::{Error, Result};
use crate::file::{Config, Layer, Linear, Norm, Weights};
use crate::kernels::{PackedLinear, ROWS};
use crate::math::{add_layer_norm, exp, gelu, max, sum};
use crate::quant::{dequantise_row, Q4Matrix, QuantisedActs, QK};

struct PackedLayer {
    query: PackedLinear,
    key: PackedLinear,
    value: PackedLinear,
    attention_out: PackedLinear,
    attention_norm: Norm,
    ff_in: PackedLinear,
    ff_out: PackedLinear,
    output_norm: Norm,
}

/// The encoder with its weights unpacked for the kernels.
pub struct Encoder {
    config: Config,
    word: Q4Matrix,
    position: Vec<f32>,
    token_type: Vec<f32>,
    embedding_norm: Norm,
    layers: Vec<PackedLayer>,
}

impl Encoder {
    /// Checks every shape against `config` and unpacks the weights.
    pub fn new(config: Config, weights: Weights) -> Result<Encoder> {
        let (h, ff) = (config.hidden, config.ff);
        let shape = |what: &str, ok: bool| {
            if ok {
                Ok(())
            } else {
                Err(Error::invalid(format!(
                    "model weights: {what} has the wrong shape"
                )))
            }
        };
        shape(
            "config",
            h % QK == 0
                && ff % QK == 0
                && h % ROWS == 0
                && ff % ROWS == 0
                && config.heads > 0
                && h % config.heads == 0,
        )?;
        let w = &weights;
        shape(
            "word embeddings",
            w.word.cols == h && w.word.blocks.len() == Q4Matrix::byte_len(w.word.rows, h),
        )?;
        shape(
            "position embeddings",
            w.position.len() == config.positions * h,
        )?;
        shape("token type embedding", w.token_type.len() == h)?;
        let norm_ok = |n: &Norm| n.weight.len() == h && n.bias.len() == h;
        let linear_ok = |l: &Linear, rows: usize, cols: usize| {
            l.weight.rows == rows
                && l.weight.cols == cols
                && l.weight.blocks.len() == Q4Matrix::byte_len(rows, cols)
                && l.bias.len() == rows
        };
        shape("embedding norm", norm_ok(&w.embedding_norm))?;
        shape("layer count", w.layers.len() == config.layers)?;
        for (i, l) in w.layers.iter().enumerate() {
            let ok = [&l.query, &l.key, &l.value, &l.attention_out]
                .iter()
                .all(|x| linear_ok(x, h, h))
                && linear_ok(&l.ff_in, ff, h)
                && linear_ok(&l.ff_out, h, ff)
                && norm_ok(&l.attention_norm)
                && norm_ok(&l.output_norm);
            shape(&format!("layer {i}"), ok)?;
        }
        // Each layer's 4-bit blocks are dropped as soon as it is packed,
        // which keeps the peak memory of a load (in WebAssembly, where
        // memory never shrinks, that peak stays) near file size × 2.
        let Weights {
            word,
            position,
            token_type,
            embedding_norm,
            layers,
        } = weights;
        let layers = layers
            .into_iter()
            .map(|l: Layer| PackedLayer {
                query: PackedLinear::new(&l.query),
                key: PackedLinear::new(&l.key),
                value: PackedLinear::new(&l.value),
                attention_out: PackedLinear::new(&l.attention_out),
                attention_norm: l.attention_norm,
                ff_in: PackedLinear::new(&l.ff_in),
                ff_out: PackedLinear::new(&l.ff_out),
                output_norm: l.output_norm,
            })
            .collect();
        Ok(Encoder {
            config,
            word,
            position,
            token_type,
            embedding_norm,
            layers,
        })
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Rows of the word embedding table: token ids must be below this.
    pub fn vocabulary_size(&self) -> usize {
        self.word.rows
    }

    /// The mean of the final hidden states of one window of token ids
    /// (with `<s>` and `</s>`), into `out` (`hidden` values).
    ///
    /// The caller guarantees `1 <= ids.len() <= positions` and every id
    /// below [`vocabulary_size`](Self::vocabulary_size).
    pub fn mean_hidden(&self, ids: &[u32], out: &mut [f32]) {
        #[cfg(target_arch = "x86_64")]
        if crate::kernels::avx2_available() {
            // SAFETY: the CPU has AVX2 (checked just above).
            unsafe { self.mean_hidden_avx2(ids, out) };
            return;
        }
        #[cfg(target_arch = "wasm32")]
        {
            self.mean_hidden_simd128(ids, out);
            return;
        }
        #[allow(unreachable_code)]
        self.forward(ids, out);
    }

    /// The forward pass compiled for SIMD128 (the module needs it anyway for
    /// the kernels), 4 lanes wide around them; same operations, same bits.
    #[cfg(target_arch = "wasm32")]
    #[target_feature(enable = "simd128")]
    fn mean_hidden_simd128(&self, ids: &[u32], out: &mut [f32]) {
        self.forward(ids, out);
    }

    /// The forward pass compiled for AVX2, so that the `f32` loops around
    /// the kernels (attention, norms, GELU, quantisation; all inlined into
    /// it) run 8 lanes wide. Same operations, same order: same bits.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn mean_hidden_avx2(&self, ids: &[u32], out: &mut [f32]) {
        self.forward(ids, out);
    }

    #[inline(always)]
    fn forward(&self, ids: &[u32], out: &mut [f32]) {
        let c = &self.config;
        let (h, ff, tokens) = (c.hidden, c.ff, ids.len());
        assert!(tokens >= 1 && tokens <= c.positions && out.len() == h);

        // Embeddings: word + position + type 0, then layer norm.
        let mut x = vec![0f32; tokens * h];
        for (t, (&id, row)) in ids.iter().zip(x.chunks_exact_mut(h)).enumerate() {
            dequantise_row(self.word.row(id as usize), row);
            let pos = &self.position[t * h..(t + 1) * h];
            for ((r, p), ty) in row.iter_mut().zip(pos).zip(&self.token_type) {
                *r += p + ty;
            }
        }
        let n = &self.embedding_norm;
        add_layer_norm(&mut x, None, &n.weight, &n.bias, h, c.eps);

        let mut acts = QuantisedActs::default();
        let mut q = vec![0f32; tokens * h];
        let mut k = vec![0f32; tokens * h];
        let mut v = vec![0f32; tokens * h];
        let mut ctx = vec![0f32; tokens * h];
        let mut proj = vec![0f32; tokens * h];
        let mut mid = vec![0f32; tokens * ff];
        let mut scratch = Vec::new();
        for layer in &self.layers {
            acts.quantise(&x, tokens, h);
            layer.query.apply(&acts, &mut q);
            layer.key.apply(&acts, &mut k);
            layer.value.apply(&acts, &mut v);
            self.attention(&q, &k, &v, &mut ctx, &mut scratch);
            acts.quantise(&ctx, tokens, h);
            layer.attention_out.apply(&acts, &mut proj);
            let n = &layer.attention_norm;
            add_layer_norm(&mut x, Some(&proj), &n.weight, &n.bias, h, c.eps);

            acts.quantise(&x, tokens, h);
            layer.ff_in.apply(&acts, &mut mid);
            mid.iter_mut().for_each(|m| *m = gelu(*m));
            acts.quantise(&mid, tokens, ff);
            layer.ff_out.apply(&acts, &mut proj);
            let n = &layer.output_norm;
            add_layer_norm(&mut x, Some(&proj), &n.weight, &n.bias, h, c.eps);
        }

        out.fill(0.0);
        for row in x.chunks_exact(h) {
            for (o, r) in out.iter_mut().zip(row) {
                *o += r;
            }
        }
        let inv = 1.0 / tokens as f32;
        out.iter_mut().for_each(|o| *o *= inv);
    }

    /// Scaled dot-product attention of every token over every token of the
    /// window, head by head, into `ctx`. Each score is summed over the head's
    /// dimensions in order, eight tokens' scores side by side (keys
    /// transposed), so the loops vectorise without reordering a sum.
    #[inline(always)]
    fn attention(&self, q: &[f32], k: &[f32], v: &[f32], ctx: &mut [f32], scratch: &mut Vec<f32>) {
        let h = self.config.hidden;
        let hd = h / self.config.heads;
        let scale = 1.0 / (hd as f32).sqrt();
        let tokens = q.len() / h;
        scratch.resize(hd * tokens + tokens, 0.0);
        let (kt, scores) = scratch.split_at_mut(hd * tokens);
        for head in 0..self.config.heads {
            let span = head * hd..(head + 1) * hd;
            for s in 0..tokens {
                for (e, &x) in k[s * h..][span.clone()].iter().enumerate() {
                    kt[e * tokens + s] = x;
                }
            }
            for t in 0..tokens {
                let qh = &q[t * h..][span.clone()];
                scores.fill(0.0);
                for (e, &qe) in qh.iter().enumerate() {
                    for (sc, &ke) in scores.iter_mut().zip(&kt[e * tokens..(e + 1) * tokens]) {
                        *sc += qe * ke;
                    }
                }
                scores.iter_mut().for_each(|sc| *sc *= scale);
                let top = max(scores);
                scores.iter_mut().for_each(|sc| *sc = exp(*sc - top));
                let inv = 1.0 / sum(scores);
                let ch = &mut ctx[t * h..][span.clone()];
                ch.fill(0.0);
                for (s, &e) in scores.iter().enumerate() {
                    let p = e * inv;
                    for (c, vv) in ch.iter_mut().zip(&v[s * h..][span.clone()]) {
                        *c += p * vv;
                    }
                }
            }
        }
    }
}
