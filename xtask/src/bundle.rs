//! `cargo xtask bundle`: `dist/coopmatch.html`, the page as one file that
//! works opened straight from disk (`file://`), with no server and no
//! network.
//!
//! How: every stylesheet of `www/index.html` becomes a `<style>`, the icon a
//! `data:` URL. The page's ES modules (followed from its module scripts
//! through every static `from './x.js'` and literal `import('./x.js')`) are
//! each turned into a `data:` URL and listed in an import map, with their
//! relative specifiers rewritten to bare `coopmatch-bundle/<path>` names
//! the map resolves (browsers do not load module files from `file://`).
//! Each `new URL('x.wasm', import.meta.url)` of the wasm-bindgen glue
//! becomes the WASM bytes, inlined as base64. The demo data
//! (`www/demo/*.json`) is inlined too, and `fetch` answers exactly those
//! paths from memory and refuses everything else, so the file fetches
//! nothing. The file carries no CSP (it needs its inline scripts).

use crate::json;
use std::collections::{BTreeMap, VecDeque};
use std::fs;
use std::path::{Path, PathBuf};

type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;

const PREFIX: &str = "coopmatch-bundle/";

/// Writes `dist/coopmatch.html` from `www/` (which must hold a built `pkg/`).
pub fn bundle(root: &Path) -> Result<PathBuf> {
    let www = root.join("www");
    let mut html = fs::read_to_string(www.join("index.html"))?;

    // Stylesheets and the icon.
    for tag in tags(&html, "<link") {
        let href = attr(&tag, "href").unwrap_or_default();
        let rel = attr(&tag, "rel").unwrap_or_default();
        let replacement = if rel == "stylesheet" {
            let css = fs::read_to_string(www.join(&href))
                .map_err(|e| format!("cannot read stylesheet {href}: {e}"))?;
            format!("<style>\n{}\n</style>", css.replace("</style", "<\\/style"))
        } else if rel.contains("icon") {
            let bytes = fs::read(www.join(&href)).unwrap_or_default();
            let mime = if href.ends_with(".svg") {
                "image/svg+xml"
            } else {
                "image/png"
            };
            format!(
                "<link rel=\"{rel}\" href=\"data:{mime};base64,{}\">",
                base64(&bytes)
            )
        } else {
            String::new()
        };
        html = html.replacen(&tag, &replacement, 1);
    }

    // Entry modules.
    let mut entries = Vec::new();
    for tag in tags(&html, "<script") {
        if attr(&tag, "type").as_deref() == Some("module") {
            if let Some(src) = attr(&tag, "src") {
                entries.push(normalise(&src));
                let full = format!("{tag}</script>");
                html = html.replacen(&full, "", 1);
            }
        }
    }
    if entries.is_empty() {
        return Err("www/index.html has no <script type=\"module\" src=...>".into());
    }

    // The module graph, breadth first.
    let mut modules: BTreeMap<String, String> = BTreeMap::new();
    let mut assets: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let mut queue: VecDeque<String> = entries.iter().cloned().collect();
    while let Some(id) = queue.pop_front() {
        if modules.contains_key(&id) {
            continue;
        }
        let path = www.join(&id);
        let Ok(mut source) = fs::read_to_string(&path) else {
            println!("xtask bundle: warning: module {id} not found; left out");
            continue;
        };
        let dir = id.rsplit_once('/').map_or("", |(d, _)| d).to_string();
        // Asset URLs of the wasm-bindgen glue.
        for (expr, file) in asset_urls(&source) {
            let asset = join(&dir, &file);
            match fs::read(www.join(&asset)) {
                Ok(bytes) => {
                    assets.insert(asset.clone(), bytes);
                    source = source.replace(
                        &expr,
                        &format!("globalThis.__coopmatchAsset({})", json::string(&asset)),
                    );
                }
                Err(_) => println!("xtask bundle: warning: {asset} not found; left out"),
            }
        }
        for spec in specifiers(&source) {
            let target = join(&dir, &spec);
            for quote in ['\'', '"'] {
                source = source.replace(
                    &format!("{quote}{spec}{quote}"),
                    &format!("{quote}{PREFIX}{target}{quote}"),
                );
            }
            queue.push_back(target);
        }
        modules.insert(id, source);
    }

    // Demo data served from memory.
    let mut data: BTreeMap<String, String> = BTreeMap::new();
    if let Ok(dir) = fs::read_dir(www.join("demo")) {
        for entry in dir.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(".json") {
                data.insert(format!("demo/{name}"), fs::read_to_string(entry.path())?);
            }
        }
    }

    let mut head = String::new();
    head.push_str("<script>\n");
    head.push_str("// Offline single file: assets and data inlined; nothing is fetched.\n");
    head.push_str("(() => {\n  const assets = {\n");
    for (name, bytes) in &assets {
        head.push_str(&format!(
            "    {}: {},\n",
            json::string(name),
            json::string(&base64(bytes))
        ));
    }
    head.push_str("  };\n  const data = {\n");
    for (name, text) in &data {
        head.push_str(&format!(
            "    {}: {},\n",
            json::string(name),
            script_safe(&json::string(text))
        ));
    }
    head.push_str(
        r#"  };
  globalThis.__coopmatchAsset = (name) => {
    const b64 = assets[name];
    if (b64 === undefined) throw new Error(`not in this offline file: ${name}`);
    return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  };
  const base = new URL('.', document.baseURI).href;
  globalThis.fetch = async (input) => {
    const url = new URL(typeof input === 'string' ? input : input.url, document.baseURI).href;
    const name = url.startsWith(base) ? url.slice(base.length) : null;
    if (name !== null && Object.prototype.hasOwnProperty.call(data, name)) {
      return new Response(data[name], { status: 200, headers: { 'Content-Type': 'application/json' } });
    }
    throw new TypeError(`offline file: ${url} is not available (nothing is fetched)`);
  };
})();
</script>
<script type="importmap">
{"imports": {
"#,
    );
    let entries_map: Vec<String> = modules
        .iter()
        .map(|(id, src)| {
            format!(
                "{}: {}",
                json::string(&format!("{PREFIX}{id}")),
                json::string(&format!(
                    "data:text/javascript;base64,{}",
                    base64(src.as_bytes())
                ))
            )
        })
        .collect();
    head.push_str(&entries_map.join(",\n"));
    head.push_str("\n}}\n</script>\n<script type=\"module\">\n");
    for e in &entries {
        head.push_str(&format!(
            "import {};\n",
            json::string(&format!("{PREFIX}{e}"))
        ));
    }
    head.push_str("</script>\n");
    let at = html
        .find("</head>")
        .ok_or("www/index.html has no </head>")?;
    html.insert_str(at, &head);

    let dist = root.join("dist");
    fs::create_dir_all(&dist)?;
    let out = dist.join("coopmatch.html");
    fs::write(&out, &html)?;
    println!(
        "wrote {} ({} bytes: {} modules, {} assets, {} data files)",
        out.display(),
        html.len(),
        modules.len(),
        assets.len(),
        data.len()
    );
    Ok(out)
}

/// Every start tag beginning with `open` (e.g. `<link`), up to its `>`.
fn tags(html: &str, open: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(open) {
        let after = &rest[i..];
        match after.find('>') {
            Some(j) => {
                out.push(after[..=j].to_string());
                rest = &after[j + 1..];
            }
            None => break,
        }
    }
    out
}

/// The value of attribute `name` in a start tag (double-quoted).
fn attr(tag: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let i = tag.find(&key)? + key.len();
    let j = tag[i..].find('"')?;
    Some(tag[i..i + j].to_string())
}

fn normalise(path: &str) -> String {
    join("", path)
}

/// `base/spec`, with `./` and `../` resolved (within www/).
fn join(base: &str, spec: &str) -> String {
    let mut parts: Vec<&str> = base.split('/').filter(|s| !s.is_empty()).collect();
    for seg in spec.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

/// Relative module specifiers: `from './x.js'`, `import './x.js'`, `import('./x.js')`.
fn specifiers(source: &str) -> Vec<String> {
    let mut out = Vec::new();
    for key in ["from ", "import ", "import("] {
        let mut rest = source;
        while let Some(i) = rest.find(key) {
            rest = &rest[i + key.len()..];
            let trimmed = rest.trim_start();
            let Some(quote) = trimmed.chars().next().filter(|c| *c == '\'' || *c == '"') else {
                continue;
            };
            let body = &trimmed[1..];
            let Some(end) = body.find(quote) else {
                continue;
            };
            let spec = &body[..end];
            if (spec.starts_with("./") || spec.starts_with("../"))
                && spec.ends_with(".js")
                && !out.iter().any(|s| s == spec)
            {
                out.push(spec.to_string());
            }
        }
    }
    out
}

/// `new URL('file.wasm', import.meta.url)` expressions and their file names.
fn asset_urls(source: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = source;
    while let Some(i) = rest.find("new URL(") {
        let after = &rest[i..];
        rest = &after[8..];
        let Some(end) = after.find(')') else { break };
        let expr = &after[..=end];
        if !expr.contains("import.meta.url") {
            continue;
        }
        let inner = &after[8..end];
        let file = inner
            .split(',')
            .next()
            .unwrap_or_default()
            .trim()
            .trim_matches(['\'', '"']);
        if file.ends_with(".wasm") {
            out.push((expr.to_string(), file.to_string()));
        }
    }
    out
}

/// Keeps `</script` and `<!--` inside inline script text from ending it.
fn script_safe(s: &str) -> String {
    s.replace("</", "<\\/").replace("<!--", "<\\!--")
}

fn base64(bytes: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        out.push(T[(n >> 18) as usize & 63] as char);
        out.push(T[(n >> 12) as usize & 63] as char);
        out.push(if chunk.len() > 1 {
            T[(n >> 6) as usize & 63] as char
        } else {
            '='
        });
        out.push(if chunk.len() > 2 {
            T[n as usize & 63] as char
        } else {
            '='
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_known_values() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn paths_and_specifiers() {
        assert_eq!(join("", "./app.js"), "app.js");
        assert_eq!(join("pkg", "../dom.js"), "dom.js");
        assert_eq!(join("", "./pkg/coopmatch.js"), "pkg/coopmatch.js");
        let src = "import { a } from './dom.js';\nconst m = await import('./pkg/x.js');\nimport \"./side.js\";\nconst s = 'from here';";
        assert_eq!(specifiers(src), vec!["./dom.js", "./side.js", "./pkg/x.js"]);
        let glue = "module_or_path = new URL('coopmatch_bg.wasm', import.meta.url);";
        assert_eq!(
            asset_urls(glue),
            vec![(
                "new URL('coopmatch_bg.wasm', import.meta.url)".to_string(),
                "coopmatch_bg.wasm".to_string()
            )]
        );
        assert_eq!(
            attr("<link rel=\"stylesheet\" href=\"style.css\">", "href").as_deref(),
            Some("style.css")
        );
    }

    #[test]
    fn inline_text_cannot_close_the_script() {
        assert_eq!(script_safe("\"</script><!--\""), "\"<\\/script><\\!--\"");
    }
}
