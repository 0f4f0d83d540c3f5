//! `cargo xtask check-imports`: the layout rules that a compiler does not
//! check. No module may import one that imports it back, directly or in a
//! loop; and no file in `src/` may pass [`MAX_LINES`] lines without saying
//! why at its top (a line containing [`LONG_FILE_MARK`]).
//!
//! A module's imports are its `crate::…` paths (in `use` lines and written
//! out in code), read from the source text with comments and `#[cfg(test)]`
//! items left out: a unit test may use what the module itself must not.
//! Modules are a crate's top-level ones (`src/text/english.rs` belongs to
//! `text`); a child reaching its parent through `super::` is not a loop.
//! A path through an item the crate root re-exports (`crate::Error`) counts
//! as an import of the module it is re-exported from.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Longest file in `src/` that needs no reason.
pub const MAX_LINES: usize = 1_000;
/// What a longer file writes near its top, followed by its reason.
pub const LONG_FILE_MARK: &str = "Why this file is long:";
/// How many lines from the top the reason may start.
const MARK_WITHIN: usize = 40;

/// Runs both checks over the workspace at `root`; the error lists every
/// loop and every unexplained long file.
pub fn check(root: &Path) -> Result<String, String> {
    let mut problems = Vec::new();
    let mut summary = Vec::new();
    for src in crate_sources(root)? {
        let graph = module_graph(&src)?;
        let edges: usize = graph.values().map(BTreeSet::len).sum();
        summary.push(format!(
            "{}: {} modules, {} imports",
            src.strip_prefix(root).unwrap_or(&src).display(),
            graph.len(),
            edges
        ));
        for cycle in cycles(&graph) {
            problems.push(format!(
                "{}: import loop {}",
                src.strip_prefix(root).unwrap_or(&src).display(),
                cycle.join(" -> ")
            ));
        }
    }
    for file in rust_files(&root.join("src"))? {
        let text = fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        if let Some(problem) = long_file_problem(&text) {
            let shown = file.strip_prefix(root).unwrap_or(&file);
            problems.push(format!("{}: {problem}", shown.display()));
        }
    }
    if problems.is_empty() {
        Ok(summary.join("\n"))
    } else {
        Err(problems.join("\n"))
    }
}

/// Why a file is too long, if it is: more than [`MAX_LINES`] lines and no
/// [`LONG_FILE_MARK`] in its first lines.
fn long_file_problem(text: &str) -> Option<String> {
    let lines = text.lines().count();
    let explained = text
        .lines()
        .take(MARK_WITHIN)
        .any(|l| l.contains(LONG_FILE_MARK));
    (lines > MAX_LINES && !explained).then(|| {
        format!(
            "{lines} lines, over {MAX_LINES}, and no `{LONG_FILE_MARK}` in its first \
             {MARK_WITHIN} lines: split it by job, or say why it is one file"
        )
    })
}

/// The `src/` folder of every library or program crate in the workspace.
fn crate_sources(root: &Path) -> Result<Vec<PathBuf>, String> {
    let mut out = vec![root.join("src")];
    for group in ["crates", "wasm"] {
        let Ok(entries) = fs::read_dir(root.join(group)) else {
            continue;
        };
        let mut dirs: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path().join("src")))
            .filter(|p| p.is_dir())
            .collect();
        dirs.sort();
        out.extend(dirs);
    }
    out.push(root.join("xtask/src"));
    Ok(out)
}

/// Every `.rs` file under `dir`, sorted.
fn rust_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = fs::read_dir(&d).map_err(|e| format!("{}: {e}", d.display()))?;
        for e in entries {
            let path = e.map_err(|e| e.to_string())?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|x| x == "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Each top-level module of the crate in `src` and the modules it imports.
/// Programs in `src/bin/` are crates of their own and are skipped.
fn module_graph(src: &Path) -> Result<BTreeMap<String, BTreeSet<String>>, String> {
    let root_file = ["lib.rs", "main.rs"]
        .iter()
        .map(|f| src.join(f))
        .find(|p| p.is_file())
        .ok_or_else(|| format!("{}: no lib.rs or main.rs", src.display()))?;
    let root_text = fs::read_to_string(&root_file).map_err(|e| e.to_string())?;
    let modules: BTreeSet<String> = declared_modules(&strip(&root_text));
    let reexports = root_reexports(&strip(&root_text), &modules);
    let mut graph: BTreeMap<String, BTreeSet<String>> = modules
        .iter()
        .map(|m| (m.clone(), BTreeSet::new()))
        .collect();
    for file in rust_files(src)? {
        let rel = file.strip_prefix(src).unwrap_or(&file);
        let first = rel
            .components()
            .next()
            .and_then(|c| c.as_os_str().to_str())
            .unwrap_or("");
        let module = first.strip_suffix(".rs").unwrap_or(first);
        if module == "bin" || !modules.contains(module) {
            continue;
        }
        let text = fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        let imports = graph.entry(module.to_string()).or_default();
        for name in crate_paths(&strip(&text)) {
            let target = if modules.contains(&name) {
                Some(name)
            } else {
                reexports.get(&name).cloned()
            };
            if let Some(t) = target.filter(|t| t != module) {
                imports.insert(t);
            }
        }
    }
    Ok(graph)
}

/// `mod NAME;` and `pub mod NAME;` (any visibility) declared in a crate root.
fn declared_modules(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c == ';' || c == '{')
        .filter(|w| !w.is_empty())
        .collect();
    for pair in words.windows(2) {
        if pair[0] == "mod" && is_ident(pair[1]) {
            out.insert(pair[1].to_string());
        }
    }
    out
}

/// Names the crate root re-exports from one of its modules
/// (`pub use error::{Error, Result};` maps `Error` and `Result` to `error`).
fn root_reexports(text: &str, modules: &BTreeSet<String>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for stmt in text.split(';') {
        let stmt = stmt.trim();
        let Some(path) = stmt
            .strip_prefix("pub use ")
            .or_else(|| stmt.strip_prefix("pub(crate) use "))
        else {
            continue;
        };
        let path = path.trim().trim_start_matches("crate::");
        let Some((module, rest)) = path.split_once("::") else {
            continue;
        };
        if !modules.contains(module) {
            continue;
        }
        for name in rest
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .filter(|w| is_ident(w) && *w != "self" && *w != "as")
        {
            out.insert(name.to_string(), module.to_string());
        }
    }
    out
}

/// The first name after every `crate::` (both in `crate::a::b` and in each
/// branch of `crate::{a, b::c}`).
fn crate_paths(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(at) = text[from..].find("crate::") {
        let start = from + at;
        from = start + "crate::".len();
        // `my_crate::x` is another path, not this crate's.
        let before = start.checked_sub(1).map(|i| bytes[i]);
        if before.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b':') {
            continue;
        }
        let rest = &text[from..];
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 1;
            let mut end = group.len();
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            end = i;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            // The first name of each top-level branch.
            let mut depth = 0;
            let mut branch_start = true;
            let mut word = String::new();
            for c in group[..end].chars() {
                if branch_start && (c.is_alphanumeric() || c == '_') {
                    word.push(c);
                    continue;
                }
                if !word.is_empty() {
                    out.insert(std::mem::take(&mut word));
                }
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 0 => branch_start = true,
                    c if c.is_whitespace() => {}
                    _ => branch_start = false,
                }
            }
            if !word.is_empty() {
                out.insert(word);
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.insert(name);
            }
        }
    }
    out
}

fn is_ident(w: &str) -> bool {
    !w.is_empty()
        && w.chars().all(|c| c.is_alphanumeric() || c == '_')
        && !w.starts_with(|c: char| c.is_ascii_digit())
}

/// The source without comments, string and character literals (their
/// text becomes spaces) and `#[cfg(test)]` items.
fn strip(text: &str) -> String {
    let without = strip_comments_and_strings(text);
    strip_test_items(&without)
}

fn strip_comments_and_strings(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            out.push(' ');
        } else if c == 'r' && matches!(next, Some('"') | Some('#')) && !ident_before(&chars, i) {
            // A raw string r"…" or r#"…"#.
            let mut j = i + 1;
            let mut hashes = 0;
            while chars.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if chars.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            j += 1;
            while j < chars.len() {
                if chars[j] == '"' && (0..hashes).all(|k| chars.get(j + 1 + k) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                j += 1;
            }
            out.push_str("\"\"");
            i = j;
        } else if c == '"' {
            let mut j = i + 1;
            while j < chars.len() && chars[j] != '"' {
                if chars[j] == '\\' {
                    j += 1;
                }
                j += 1;
            }
            out.push_str("\"\"");
            i = j + 1;
        } else if c == '\'' {
            // A character literal ('a', '\n', '\u{..}'), or a lifetime.
            let close = if next == Some('\\') {
                (i + 2..chars.len().min(i + 12)).find(|&j| chars[j] == '\'')
            } else {
                (chars.get(i + 2) == Some(&'\'')).then_some(i + 2)
            };
            match close {
                Some(j) => {
                    out.push_str("' '");
                    i = j + 1;
                }
                None => {
                    out.push(c);
                    i += 1;
                }
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn ident_before(chars: &[char], i: usize) -> bool {
    i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_')
}

/// Removes each item after a `#[cfg(test)]`: up to its `;` or through its
/// balanced `{ … }`, whichever comes first.
fn strip_test_items(text: &str) -> String {
    const ATTR: &str = "#[cfg(test)]";
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(ATTR) {
        out.push_str(&rest[..at]);
        let item = &rest[at + ATTR.len()..];
        let mut depth = 0usize;
        let mut end = item.len();
        for (i, c) in item.char_indices() {
            match c {
                ';' if depth == 0 => {
                    end = i + 1;
                    break;
                }
                '{' => depth += 1,
                '}' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        end = i + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        rest = &item[end..];
    }
    out.push_str(rest);
    out
}

/// Every import loop, each once: the strongly connected components of more
/// than one module, each shown as one loop through its modules.
fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    for start in graph.keys() {
        if seen.contains(start.as_str()) {
            continue;
        }
        // Modules reachable from `start` that also reach back to it.
        let forward = reachable(graph, start);
        let component: BTreeSet<&str> = forward
            .iter()
            .copied()
            .filter(|m| *m != start.as_str() && reachable(graph, m).contains(start.as_str()))
            .collect();
        if component.is_empty() {
            continue;
        }
        seen.insert(start);
        seen.extend(component.iter().copied());
        if let Some(path) = loop_through(graph, start) {
            out.push(path);
        }
    }
    out
}

fn reachable<'a>(graph: &'a BTreeMap<String, BTreeSet<String>>, from: &str) -> BTreeSet<&'a str> {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<&str> = graph
        .get(from)
        .map(|s| s.iter().map(String::as_str).collect())
        .unwrap_or_default();
    while let Some(m) = stack.pop() {
        if let Some((key, next)) = graph.get_key_value(m) {
            if seen.insert(key.as_str()) {
                stack.extend(next.iter().map(String::as_str));
            }
        }
    }
    seen
}

/// A shortest loop from `start` back to itself (breadth first), as the
/// list of modules with `start` at both ends.
fn loop_through(graph: &BTreeMap<String, BTreeSet<String>>, start: &str) -> Option<Vec<String>> {
    let mut parent: BTreeMap<&str, &str> = BTreeMap::new();
    let mut queue = std::collections::VecDeque::from([start]);
    while let Some(m) = queue.pop_front() {
        for next in graph.get(m).into_iter().flatten() {
            if next == start {
                let mut path = vec![start.to_string()];
                let mut at = m;
                while at != start {
                    path.push(at.to_string());
                    at = parent[at];
                }
                path.push(start.to_string());
                path.reverse();
                return Some(path);
            }
            if !parent.contains_key(next.as_str()) {
                parent.insert(next.as_str(), m);
                queue.push_back(next.as_str());
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(edges: &[(&str, &str)]) -> BTreeMap<String, BTreeSet<String>> {
        let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (a, b) in edges {
            g.entry(a.to_string()).or_default().insert(b.to_string());
            g.entry(b.to_string()).or_default();
        }
        g
    }

    #[test]
    fn finds_a_three_module_loop_and_only_it() {
        let g = graph(&[
            ("index", "score"),
            ("score", "fuzzy"),
            ("fuzzy", "index"),
            ("matcher", "index"),
            ("view", "matcher"),
        ]);
        assert_eq!(cycles(&g), vec![vec!["fuzzy", "index", "score", "fuzzy"]]);
        let g = graph(&[("matcher", "view"), ("view", "model"), ("matcher", "model")]);
        assert!(cycles(&g).is_empty());
    }

    #[test]
    fn two_modules_importing_each_other_are_a_loop() {
        let g = graph(&[("matcher", "view"), ("view", "matcher")]);
        assert_eq!(cycles(&g), vec![vec!["matcher", "view", "matcher"]]);
    }

    #[test]
    fn reads_paths_in_use_lines_groups_and_code_but_not_comments_or_tests() {
        let text = r#"
//! See [`crate::postings`] for the layout.
use crate::error::{Error, Result};
use crate::{model::Profile, text::{Analyzer, Mode}};
fn f() -> usize { crate::sort::x() + my_crate::y() }
const S: &str = "crate::json";
#[cfg(test)]
mod tests {
    use crate::matcher::Matcher;
}
#[cfg(test)]
use crate::store;
fn g() { let c = '{'; crate::view::round_score(1.0); }
"#;
        let names: Vec<String> = crate_paths(&strip(text)).into_iter().collect();
        assert_eq!(names, ["error", "model", "sort", "text", "view"]);
    }

    #[test]
    fn root_reexports_name_their_module() {
        let root = "pub mod error;\nmod matcher;\npub use error::{Error, ErrorKind, Result};\npub use matcher::Matcher;\n";
        let modules = declared_modules(root);
        assert_eq!(
            modules.iter().map(String::as_str).collect::<Vec<_>>(),
            ["error", "matcher"]
        );
        let map = root_reexports(root, &modules);
        assert_eq!(map["Result"], "error");
        assert_eq!(map["Matcher"], "matcher");
    }

    #[test]
    fn a_long_file_needs_a_reason_at_its_top() {
        let body = "fn f() {}\n".repeat(MAX_LINES + 1);
        assert!(long_file_problem(&body).is_some());
        let explained = format!("//! Postings.\n//!\n//! {LONG_FILE_MARK} one format.\n{body}");
        assert!(long_file_problem(&explained).is_none());
        assert!(long_file_problem(&"fn f() {}\n".repeat(MAX_LINES)).is_none());
    }

    #[test]
    fn the_workspace_has_no_import_loop() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        if let Err(problems) = check(root) {
            panic!("{problems}");
        }
    }
}
