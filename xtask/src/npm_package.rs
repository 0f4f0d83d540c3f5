//! `www/pkg/package.json`: makes the generated matcher package installable
//! with `npm install path/to/www/pkg` (and packable with `npm pack`), so a
//! bundler such as Vite resolves `import init, { Matcher } from 'coopmatch'`
//! and its TypeScript definitions.
//!
//! The name, version, description and licence come from the crate's
//! `Cargo.toml`; the file names from wasm-bindgen's `--out-name`.

use crate::json;
use std::fmt::Write as _;

/// What goes into the generated `package.json`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageInfo {
    pub name: String,
    pub version: String,
    pub description: Option<String>,
    pub license: Option<String>,
}

impl PackageInfo {
    /// Reads `name`, `version`, `description` and `license` from the
    /// `[package]` table of a `Cargo.toml` text. Only plain one-line string
    /// values are understood (`key = "value"`, `key = 'value'`); a `version`
    /// or `name` given any other way (e.g. `version.workspace = true`) is an
    /// error rather than a guess.
    pub fn from_cargo_toml(manifest: &str) -> Result<Self, String> {
        let mut in_package = false;
        let (mut name, mut version, mut description, mut license) = (None, None, None, None);
        for line in manifest.lines() {
            let line = line.trim();
            if line.starts_with('[') {
                in_package = line == "[package]";
                continue;
            }
            if !in_package {
                continue;
            }
            let Some((key, value)) = line.split_once('=') else {
                continue;
            };
            let slot = match key.trim() {
                "name" => &mut name,
                "version" => &mut version,
                "description" => &mut description,
                "license" => &mut license,
                _ => continue,
            };
            *slot = Some(toml_string(value.trim()).ok_or_else(|| {
                format!(
                    "Cargo.toml [package] {}: expected a one-line string, got `{}`",
                    key.trim(),
                    value.trim()
                )
            })?);
        }
        Ok(PackageInfo {
            name: name.ok_or("Cargo.toml has no [package] name")?,
            version: version.ok_or("Cargo.toml has no [package] version")?,
            description,
            license,
        })
    }
}

/// The value of a one-line TOML basic string (`"..."`, with the common
/// escapes) or literal string (`'...'`), ignoring a trailing comment.
fn toml_string(value: &str) -> Option<String> {
    let mut chars = value.chars();
    match chars.next()? {
        '\'' => {
            let rest = chars.as_str();
            let end = rest.find('\'')?;
            trailing_ok(&rest[end + 1..]).then(|| rest[..end].to_string())
        }
        '"' => {
            let mut out = String::new();
            while let Some(c) = chars.next() {
                match c {
                    '"' => return trailing_ok(chars.as_str()).then_some(out),
                    '\\' => out.push(match chars.next()? {
                        'n' => '\n',
                        't' => '\t',
                        'r' => '\r',
                        '"' => '"',
                        '\\' => '\\',
                        'u' | 'U' => return None,
                        other => other,
                    }),
                    c => out.push(c),
                }
            }
            None
        }
        _ => None,
    }
}

/// Whitespace and an optional `# comment` may follow a value.
fn trailing_ok(rest: &str) -> bool {
    let rest = rest.trim_start();
    rest.is_empty() || rest.starts_with('#')
}

/// The files of the package wasm-bindgen `--target web` writes for
/// `--out-name out_name`, then `package.json` itself.
pub fn package_files(out_name: &str) -> Vec<String> {
    vec![
        format!("{out_name}.js"),
        format!("{out_name}.d.ts"),
        format!("{out_name}_bg.wasm"),
        format!("{out_name}_bg.wasm.d.ts"),
        "package.json".to_string(),
    ]
}

/// The `package.json` text (two-space indented, trailing newline) for the
/// package whose wasm-bindgen files are named after `out_name`.
///
/// - `"type": "module"`: coopmatch.js is an ES module;
/// - `main`, `module`, `types` for older tools, and `exports` (what Node,
///   Vite, webpack and TypeScript's `bundler`/`node16` resolution read):
///   `.` is the JS with its `.d.ts`; the `.wasm` is exported as well, so
///   `import url from 'coopmatch/coopmatch_bg.wasm?url'` works in Vite for
///   passing to `init({ module_or_path: url })`;
/// - `files`: exactly what `npm pack` puts in the tarball;
/// - `sideEffects: false`: importing it does nothing until `init()`.
pub fn package_json(info: &PackageInfo, out_name: &str) -> String {
    let js = format!("./{out_name}.js");
    let dts = format!("./{out_name}.d.ts");
    let wasm = format!("./{out_name}_bg.wasm");
    let mut s = String::from("{\n");
    let mut field = |key: &str, value: String| {
        let _ = writeln!(s, "  {}: {value},", json::string(key));
    };
    field("name", json::string(&info.name));
    field("version", json::string(&info.version));
    if let Some(description) = &info.description {
        field("description", json::string(description));
    }
    if let Some(license) = &info.license {
        field("license", json::string(license));
    }
    field("type", json::string("module"));
    field("main", json::string(&js));
    field("module", json::string(&js));
    field("types", json::string(&dts));
    field(
        "exports",
        format!(
            "{{\n    \".\": {{\n      \"types\": {},\n      \"default\": {}\n    }},\n    {}: {},\n    \"./package.json\": \"./package.json\"\n  }}",
            json::string(&dts),
            json::string(&js),
            json::string(&wasm),
            json::string(&wasm),
        ),
    );
    let files: Vec<String> = package_files(out_name)
        .iter()
        .map(|f| format!("    {}", json::string(f)))
        .collect();
    field("files", format!("[\n{}\n  ]", files.join(",\n")));
    // The last field has no trailing comma.
    s.push_str("  \"sideEffects\": false\n}\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    const MANIFEST: &str = r#"
[package]
name = "coopmatch"
version = "0.1.0" # the crate's version
edition = "2021"
description = "On-device matching, \"quoted\" and 中文"
license = 'MIT OR Apache-2.0'

[dependencies]
serde = { version = "1", features = ["derive"] }
name = "not-the-package"

[workspace]
members = [".", "xtask"]
"#;

    fn info() -> PackageInfo {
        PackageInfo::from_cargo_toml(MANIFEST).unwrap()
    }

    #[test]
    fn reads_the_package_table_only() {
        assert_eq!(
            info(),
            PackageInfo {
                name: "coopmatch".into(),
                version: "0.1.0".into(),
                description: Some("On-device matching, \"quoted\" and 中文".into()),
                license: Some("MIT OR Apache-2.0".into()),
            }
        );
    }

    #[test]
    fn optional_fields_may_be_missing_required_ones_may_not() {
        let minimal =
            PackageInfo::from_cargo_toml("[package]\nname = \"a\"\nversion = \"1.2.3\"\n").unwrap();
        assert_eq!(minimal.description, None);
        assert_eq!(minimal.license, None);
        assert!(PackageInfo::from_cargo_toml("[package]\nname = \"a\"\n")
            .unwrap_err()
            .contains("version"));
        assert!(PackageInfo::from_cargo_toml("[package]\nversion.workspace = true\n").is_err());
        assert!(
            PackageInfo::from_cargo_toml("[package]\nname = \"a\"\nversion = \"1\" x\n").is_err()
        );
    }

    #[test]
    fn the_real_manifest_gives_the_crate_version() {
        let manifest = std::fs::read_to_string(crate::root().join("Cargo.toml")).unwrap();
        let info = PackageInfo::from_cargo_toml(&manifest).unwrap();
        assert_eq!(info.name, "coopmatch");
        assert!(
            info.version.split('.').count() == 3
                && info.version.split('.').all(|p| p.parse::<u32>().is_ok()),
            "{}",
            info.version
        );
        assert!(info.description.is_some());
    }

    #[test]
    fn package_json_exact_text() {
        let expected = r#"{
  "name": "coopmatch",
  "version": "0.1.0",
  "description": "On-device matching, \"quoted\" and 中文",
  "license": "MIT OR Apache-2.0",
  "type": "module",
  "main": "./coopmatch.js",
  "module": "./coopmatch.js",
  "types": "./coopmatch.d.ts",
  "exports": {
    ".": {
      "types": "./coopmatch.d.ts",
      "default": "./coopmatch.js"
    },
    "./coopmatch_bg.wasm": "./coopmatch_bg.wasm",
    "./package.json": "./package.json"
  },
  "files": [
    "coopmatch.js",
    "coopmatch.d.ts",
    "coopmatch_bg.wasm",
    "coopmatch_bg.wasm.d.ts",
    "package.json"
  ],
  "sideEffects": false
}
"#;
        assert_eq!(package_json(&info(), "coopmatch"), expected);
    }

    #[test]
    fn without_description_and_licence_the_fields_are_left_out() {
        let info = PackageInfo {
            name: "x".into(),
            version: "2.0.0".into(),
            description: None,
            license: None,
        };
        let text = package_json(&info, "x");
        assert!(!text.contains("description") && !text.contains("license"));
        assert!(text.contains("\"version\": \"2.0.0\","));
    }

    #[test]
    fn toml_strings() {
        assert_eq!(toml_string(r#""a\"b" # c"#).as_deref(), Some("a\"b"));
        assert_eq!(toml_string("'C:\\x'").as_deref(), Some("C:\\x"));
        assert_eq!(toml_string("\"unterminated"), None);
        assert_eq!(toml_string("true"), None);
        assert_eq!(toml_string("\"\"\"multi"), None);
    }
}
