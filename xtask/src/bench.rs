//! `cargo xtask bench [DATA_DIR] [--profiles N] [--runs N] [--no-quality] [--no-browser]`:
//! this crate's release WASM against MiniSearch, FlexSearch and Lunr, on
//! the same data, one process per system per run, in turn; then the same
//! workload for the WASM in headless Chromium.
//!
//! Without DATA_DIR, a corpus of N profiles (default 10,000) is made with
//! `../shared/tools/make_perf_corpus.py` when it is there, else by a
//! deterministic generator of our own (synthetic bilingual text, so the
//! benchmark runs anywhere). Figures are the median of `--runs` runs
//! (default 3); ratios are to this crate's. When `../shared/data` exists,
//! each system's nDCG@10 and P@1 on its sets follow.

use super::{cmd_build, root, run, target_dir, Result};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const LIBS: [&str; 4] = ["coopmatch", "minisearch", "flexsearch", "lunr"];
const METRICS: [&str; 4] = ["build_ms", "heap_mb", "p50_ms", "p95_ms"];
const QUALITY_SETS: [&str; 3] = ["cranfield", "csl-dev/title2abstract", "csl-dev/discipline"];

struct Options {
    data: Option<PathBuf>,
    profiles: usize,
    runs: usize,
    quality: bool,
    browser: bool,
}

fn parse(args: &[String]) -> Result<Options> {
    let mut o = Options {
        data: None,
        profiles: 10_000,
        runs: 3,
        quality: true,
        browser: true,
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut number = |name: &str| -> Result<usize> {
            let v = it.next().ok_or_else(|| format!("{name} needs a number"))?;
            Ok(v.parse()
                .map_err(|_| format!("{name} needs a number, got `{v}`"))?)
        };
        match a.as_str() {
            "--profiles" => o.profiles = number("--profiles")?.max(1),
            "--runs" => o.runs = number("--runs")?.max(1),
            "--no-quality" => o.quality = false,
            "--no-browser" => o.browser = false,
            s if !s.starts_with("--") && o.data.is_none() => o.data = Some(PathBuf::from(s)),
            other => return Err(format!("unknown bench argument `{other}`").into()),
        }
    }
    Ok(o)
}

fn shared() -> PathBuf {
    root().join("..").join("shared")
}

/// The corpus to run on: the given folder, or one made here.
fn corpus(o: &Options) -> Result<PathBuf> {
    if let Some(d) = &o.data {
        return Ok(if d.is_absolute() {
            d.clone()
        } else {
            root().join(d)
        });
    }
    let dir = target_dir().join("bench-data").join(o.profiles.to_string());
    if dir.join("profiles.jsonl").is_file() && dir.join("challenges.jsonl").is_file() {
        return Ok(dir);
    }
    let tool = shared().join("tools").join("make_perf_corpus.py");
    if tool.is_file() {
        run(Command::new("python3")
            .arg(&tool)
            .arg(o.profiles.to_string())
            .arg(&dir))?;
    } else {
        println!("xtask: ../shared is absent; generating a synthetic corpus");
        synthetic_corpus(o.profiles, &dir)?;
    }
    Ok(dir)
}

/// A deterministic bilingual corpus: profiles with one work of ~120 words
/// and 100 challenges of ~200, drawn from a fixed vocabulary by a xorshift
/// generator, so runs on any machine index the same text.
fn synthetic_corpus(n: usize, dir: &Path) -> Result {
    const EN: &[&str] = &[
        "laser",
        "welding",
        "fatigue",
        "titanium",
        "alloy",
        "battery",
        "thermal",
        "runaway",
        "vision",
        "defect",
        "detection",
        "bearing",
        "spindle",
        "vibration",
        "sludge",
        "digestion",
        "polymer",
        "coating",
        "corrosion",
        "sensor",
        "network",
        "control",
        "boundary",
        "layer",
        "flow",
        "heat",
        "transfer",
        "pressure",
        "turbulent",
        "wing",
        "shock",
        "wave",
        "model",
        "experiment",
        "method",
        "analysis",
        "structure",
        "material",
        "surface",
        "temperature",
        "design",
        "optimisation",
    ];
    const ZH: &[&str] = &[
        "钛合金",
        "增材制造",
        "疲劳",
        "电池",
        "热管理",
        "焊缝",
        "缺陷",
        "检测",
        "轴承",
        "振动",
        "污泥",
        "厌氧消化",
        "涂层",
        "腐蚀",
        "传感器",
        "网络",
        "控制",
        "算法",
        "模型",
        "实验",
        "优化",
        "结构",
        "材料",
        "表面",
        "温度",
        "设计",
        "图像",
        "识别",
        "数据",
        "系统",
    ];
    let mut seed: u64 = 0x2026_1126_dead_beef;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut text = |words: usize, chinese: bool| -> String {
        let mut s = String::new();
        for i in 0..words {
            let r = next() as usize;
            if chinese {
                s.push_str(ZH[r % ZH.len()]);
                if i % 9 == 8 {
                    s.push('。');
                }
            } else {
                if i > 0 {
                    s.push(' ');
                }
                s.push_str(EN[r % EN.len()]);
            }
        }
        s
    };
    fs::create_dir_all(dir)?;
    let mut profiles = String::new();
    for i in 0..n {
        let zh = i % 2 == 1;
        let work = serde_like_object(&[("title", &text(8, zh)), ("abstract", &text(120, zh))]);
        let _ = writeln!(
            profiles,
            "{{\"id\":\"p{i}\",\"kind\":\"expert\",\"name\":\"Profile {i}\",\"works\":[{work}]}}"
        );
    }
    let mut challenges = String::new();
    for i in 0..100 {
        let zh = i % 2 == 1;
        let body = serde_like_object(&[("title", &text(8, zh)), ("description", &text(200, zh))]);
        let _ = writeln!(challenges, "{{\"id\":\"c{i}\",{}", &body[1..]);
    }
    fs::write(dir.join("profiles.jsonl"), profiles)?;
    fs::write(dir.join("challenges.jsonl"), challenges)?;
    Ok(())
}

/// `{"k":"v",...}` for plain text values (no quotes or backslashes in them).
fn serde_like_object(fields: &[(&str, &str)]) -> String {
    let inner: Vec<String> = fields
        .iter()
        .map(|(k, v)| format!("\"{k}\":\"{v}\""))
        .collect();
    format!("{{{}}}", inner.join(","))
}

/// Runs one system once on `dir`; returns its JSON line.
fn run_lib(lib: &str, dir: &Path, passes: usize) -> Result<String> {
    let out = Command::new("node")
        .current_dir(root())
        .args(["--expose-gc", "tests/bench/bench.mjs", lib])
        .arg(dir)
        .args(["--passes", &passes.to_string()])
        .output()?;
    if !out.status.success() {
        return Err(format!("{lib} failed: {}", String::from_utf8_lossy(&out.stderr)).into());
    }
    let line = String::from_utf8_lossy(&out.stdout)
        .lines()
        .last()
        .unwrap_or("")
        .to_string();
    println!("{line}");
    Ok(line)
}

/// A number from a flat JSON line (`"key":123.4`); enough for our own output.
fn field(line: &str, key: &str) -> Option<f64> {
    let at = line.find(&format!("\"{key}\":"))? + key.len() + 3;
    let rest = &line[at..];
    let end = rest.find([',', '}']).unwrap_or(rest.len());
    rest[..end].trim().parse().ok()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

pub fn cmd_bench(args: &[String]) -> Result {
    let o = parse(args)?;
    cmd_build()?;
    let bench = root().join("tests").join("bench");
    let verb = if bench.join("package-lock.json").is_file() {
        "ci"
    } else {
        "install"
    };
    run(Command::new("npm")
        .current_dir(&bench)
        .args([verb, "--no-audit", "--no-fund"]))?;
    let dir = corpus(&o)?;
    println!(
        "\n== speed on {} ({} run(s) each, in turn)",
        dir.display(),
        o.runs
    );

    let mut lines: Vec<Vec<String>> = vec![Vec::new(); LIBS.len()];
    for _ in 0..o.runs {
        for (i, lib) in LIBS.iter().enumerate() {
            lines[i].push(run_lib(lib, &dir, 3)?);
        }
    }
    let medians: Vec<Vec<f64>> = lines
        .iter()
        .map(|runs| {
            METRICS
                .iter()
                .map(|m| median(runs.iter().filter_map(|l| field(l, m)).collect()))
                .collect()
        })
        .collect();
    println!("\n== medians, and ratio to coopmatch (peer ÷ coopmatch: above 1 means coopmatch is better)");
    println!(
        "{:<12} {:>10} {:>10} {:>10} {:>10}",
        "lib", "build_ms", "heap_mb", "p50_ms", "p95_ms"
    );
    for (i, lib) in LIBS.iter().enumerate() {
        let m = &medians[i];
        let cell = |k: usize| {
            if i == 0 {
                format!("{:.2}", m[k])
            } else {
                format!("{:.2} ({:.1}x)", m[k], m[k] / medians[0][k])
            }
        };
        println!(
            "{lib:<12} {:>16} {:>16} {:>16} {:>16}",
            cell(0),
            cell(1),
            cell(2),
            cell(3)
        );
    }
    let wasm = root().join("www").join("pkg").join("coopmatch_bg.wasm");
    super::report_size(&wasm)?;

    if o.browser {
        println!("\n== coopmatch in headless Chromium (same workload)");
        browser_run(&dir)?;
    }
    if o.quality {
        let data = shared().join("data");
        if data.is_dir() {
            println!("\n== quality (nDCG@10, P@1) on ../shared/data");
            for set in QUALITY_SETS {
                for lib in LIBS {
                    let line = run_lib(lib, &data.join(set), 1)?;
                    println!(
                        "   {set:<24} {lib:<12} nDCG@10 {:.4}  P@1 {:.4}",
                        field(&line, "ndcg10").unwrap_or(f64::NAN),
                        field(&line, "p1").unwrap_or(f64::NAN)
                    );
                }
            }
        } else {
            println!("xtask: ../shared/data is absent; skipping quality");
        }
    }
    Ok(())
}

/// Serves the repository on a free port and runs `tests/bench/chromium.mjs`,
/// which opens `tests/bench/chromium.html` (matching) and
/// `tests/bench/event.html` (an event of 300 enterprises × 1,000 participants) in Debian's
/// Chromium. The event page needs at least 1,300 profiles in the corpus.
fn browser_run(dir: &Path) -> Result {
    // The page fetches the corpus from the served tree.
    let copy = target_dir().join("bench-data").join("browser");
    fs::create_dir_all(&copy)?;
    for f in ["profiles.jsonl", "challenges.jsonl"] {
        fs::copy(dir.join(f), copy.join(f))?;
    }
    let browser = root().join("tests").join("browser");
    let verb = if browser.join("package-lock.json").is_file() {
        "ci"
    } else {
        "install"
    };
    if !browser.join("node_modules").is_dir() {
        run(Command::new("npm")
            .current_dir(&browser)
            .args([verb, "--no-audit", "--no-fund"]))?;
    }
    let port = super::server::spawn_background(&root(), 0, false)?;
    for page in ["chromium.html", "event.html"] {
        run(Command::new("node")
            .current_dir(root())
            .args(["tests/bench/chromium.mjs", page])
            .env("COOPMATCH_URL", format!("http://127.0.0.1:{port}/"))
            .env("CHROMIUM", super::chromium()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_reads_numbers_from_a_json_line() {
        let l = r#"{"lib":"x","build_ms":12,"heap_mb":3.5,"p50_ms":0.25}"#;
        assert_eq!(field(l, "build_ms"), Some(12.0));
        assert_eq!(field(l, "p50_ms"), Some(0.25));
        assert_eq!(field(l, "nope"), None);
    }

    #[test]
    fn median_of_three() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), 2.0);
    }

    #[test]
    fn synthetic_corpus_is_deterministic() {
        let a = std::env::temp_dir().join(format!("cm-bench-a-{}", std::process::id()));
        let b = std::env::temp_dir().join(format!("cm-bench-b-{}", std::process::id()));
        synthetic_corpus(50, &a).unwrap();
        synthetic_corpus(50, &b).unwrap();
        let read = |d: &Path| fs::read_to_string(d.join("profiles.jsonl")).unwrap();
        assert_eq!(read(&a), read(&b));
        assert_eq!(read(&a).lines().count(), 50);
    }
}
