//! A tiny static file server for `www/`: std `TcpListener`, one thread per
//! connection, one request per connection, GET and HEAD only.
//!
//! It is a development and test server, bound to 127.0.0.1 by the callers; it
//! still refuses to leave its root directory (no `..`, no dot-files, and the
//! canonical path must stay under the canonical root, so symlinks cannot
//! escape either).

use std::fs;
use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

/// Sent with every response. The page only loads its own scripts, styles,
/// data and WASM; `'wasm-unsafe-eval'` lets it compile the WASM module.
pub const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'";

/// Longest request head we accept (request line plus headers).
const MAX_HEAD: usize = 16 * 1024;

/// Serves `root` on `listener` until the process exits. Each connection gets
/// its own thread. With `log`, prints one line per request.
pub fn serve_forever(listener: TcpListener, root: &Path, log: bool) -> io::Result<()> {
    let root = Arc::new(fs::canonicalize(root)?);
    for stream in listener.incoming() {
        let stream = match stream {
            Ok(s) => s,
            Err(e) => {
                eprintln!("xtask serve: accept failed: {e}");
                continue;
            }
        };
        let root = Arc::clone(&root);
        thread::spawn(move || {
            if let Err(e) = handle_connection(stream, &root, log) {
                if log {
                    eprintln!("xtask serve: connection error: {e}");
                }
            }
        });
    }
    Ok(())
}

/// Starts the server on a background thread on `127.0.0.1:port` (`0` picks a
/// free port) and returns the port actually bound.
pub fn spawn_background(root: &Path, port: u16, log: bool) -> io::Result<u16> {
    let listener = TcpListener::bind(("127.0.0.1", port))?;
    let port = listener.local_addr()?.port();
    let root = root.to_path_buf();
    thread::spawn(move || {
        if let Err(e) = serve_forever(listener, &root, log) {
            eprintln!("xtask serve: server stopped: {e}");
        }
    });
    Ok(port)
}

fn handle_connection(mut stream: TcpStream, root: &Path, log: bool) -> io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    stream.set_write_timeout(Some(Duration::from_secs(30)))?;
    let head = match read_head(&mut stream)? {
        Some(h) => h,
        None => return Ok(()), // client went away before sending a request
    };
    let request_line = head.lines().next().unwrap_or("");
    let response = respond(request_line, root);
    if log {
        println!("{} -> {}", request_line, response.status);
    }
    response.write_to(&mut stream)?;
    stream.flush()
}

/// Reads up to the blank line ending the request head. Returns `None` on an
/// empty connection.
fn read_head(stream: &mut TcpStream) -> io::Result<Option<String>> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    loop {
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            if buf.is_empty() {
                return Ok(None);
            }
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
        if buf.windows(4).any(|w| w == b"\r\n\r\n") || buf.windows(2).any(|w| w == b"\n\n") {
            break;
        }
        if buf.len() > MAX_HEAD {
            break; // the request line is all we need; `respond` judges it
        }
    }
    Ok(Some(String::from_utf8_lossy(&buf).into_owned()))
}

/// One HTTP response, fully buffered (the files served are small).
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
    /// HEAD: send the headers (with the real Content-Length) but no body.
    pub head_only: bool,
}

impl Response {
    fn new(status: u16, content_type: &str, body: Vec<u8>) -> Response {
        Response {
            status,
            headers: vec![("Content-Type", content_type.to_string())],
            body,
            head_only: false,
        }
    }

    fn text(status: u16, msg: &str) -> Response {
        Response::new(
            status,
            "text/plain; charset=utf-8",
            format!("{status} {}\n{msg}\n", reason(status)).into_bytes(),
        )
    }

    #[cfg(test)]
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn write_to(&self, w: &mut impl Write) -> io::Result<()> {
        let mut head = format!("HTTP/1.1 {} {}\r\n", self.status, reason(self.status));
        for (k, v) in &self.headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str(&format!("Content-Length: {}\r\n", self.body.len()));
        head.push_str(&format!("Content-Security-Policy: {CSP}\r\n"));
        head.push_str("Cache-Control: no-store\r\n");
        head.push_str("X-Content-Type-Options: nosniff\r\n");
        head.push_str("Referrer-Policy: no-referrer\r\n");
        head.push_str("Connection: close\r\n\r\n");
        w.write_all(head.as_bytes())?;
        if !self.head_only {
            w.write_all(&self.body)?;
        }
        Ok(())
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        500 => "Internal Server Error",
        505 => "HTTP Version Not Supported",
        _ => "Unknown",
    }
}

/// Builds the response for one request line (`GET /path HTTP/1.1`), serving
/// files from `root` (which must be canonical).
pub fn respond(request_line: &str, root: &Path) -> Response {
    let mut parts = request_line.split_whitespace();
    let (method, target, version) = match (parts.next(), parts.next(), parts.next()) {
        (Some(m), Some(t), Some(v)) if parts.next().is_none() => (m, t, v),
        _ => return Response::text(400, "malformed request line"),
    };
    if !version.starts_with("HTTP/1.") {
        return Response::text(505, "only HTTP/1.x is spoken here");
    }
    let head_only = match method {
        "GET" => false,
        "HEAD" => true,
        _ => {
            let mut r = Response::text(405, "only GET and HEAD are allowed");
            r.headers.push(("Allow", "GET, HEAD".to_string()));
            return r;
        }
    };
    let mut r = respond_get(target, root);
    r.head_only = head_only;
    r
}

fn respond_get(target: &str, root: &Path) -> Response {
    let rel = match sanitize_path(target) {
        Ok(rel) => rel,
        Err(PathError::Malformed) => return Response::text(400, "malformed path"),
        Err(PathError::Forbidden) => return Response::text(404, "not found"),
    };
    let mut path = root.join(&rel);
    if path.is_dir() {
        let raw_path = target.split(['?', '#']).next().unwrap_or("/");
        if !raw_path.ends_with('/') {
            // Relative links in an index page need the trailing slash.
            let mut r = Response::text(301, "moved");
            r.headers.push(("Location", format!("{raw_path}/")));
            return r;
        }
        path.push("index.html");
    }
    // Resolve symlinks and make sure we are still inside the root.
    let canonical = match fs::canonicalize(&path) {
        Ok(p) if p.starts_with(root) && p.is_file() => p,
        _ => return Response::text(404, "not found"),
    };
    match fs::read(&canonical) {
        Ok(body) => Response::new(200, mime_type(&canonical), body),
        Err(_) => Response::text(404, "not found"),
    }
}

#[derive(Debug, PartialEq, Eq)]
pub enum PathError {
    /// Not an origin-form path, bad percent-encoding or not UTF-8.
    Malformed,
    /// `..`, dot-files, backslashes, NUL: never served.
    Forbidden,
}

/// Turns a request target (`/pkg/a.js?x=1`) into a relative path below the
/// served root (`pkg/a.js`). Percent-decodes each segment and then rejects
/// `..`, dot-files and anything that could be read as a separator.
pub fn sanitize_path(target: &str) -> Result<PathBuf, PathError> {
    let path = target.split(['?', '#']).next().unwrap_or("");
    if !path.starts_with('/') {
        return Err(PathError::Malformed);
    }
    let mut rel = PathBuf::new();
    for raw in path.split('/') {
        let seg = percent_decode(raw).ok_or(PathError::Malformed)?;
        if seg.is_empty() || seg == "." {
            continue;
        }
        if seg.starts_with('.') || seg.contains(['/', '\\', '\0', ':']) {
            return Err(PathError::Forbidden);
        }
        rel.push(seg);
    }
    Ok(rel)
}

/// `%XX` decoding; `None` on a bad escape or if the result is not UTF-8.
pub fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Content-Type by file extension (case-insensitive).
pub fn mime_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "wasm" => "application/wasm",
        "json" | "map" => "application/json",
        "webmanifest" => "application/manifest+json",
        "csv" => "text/csv; charset=utf-8",
        "txt" | "md" | "ts" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn temp_root() -> PathBuf {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "xtask-server-test-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        let www = dir.join("www");
        fs::create_dir_all(www.join("pkg")).unwrap();
        fs::create_dir_all(www.join("sub")).unwrap();
        fs::write(www.join("index.html"), "<!doctype html>hi").unwrap();
        fs::write(www.join("pkg/coopmatch_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
        fs::write(www.join("sub/index.html"), "sub").unwrap();
        fs::write(www.join(".secret"), "no").unwrap();
        fs::write(dir.join("outside.txt"), "outside").unwrap();
        fs::canonicalize(&www).unwrap()
    }

    #[test]
    fn mime_types() {
        let m = |p: &str| mime_type(Path::new(p));
        assert_eq!(m("pkg/coopmatch_bg.wasm"), "application/wasm");
        assert_eq!(m("app.js"), "text/javascript; charset=utf-8");
        assert_eq!(m("pkg/coopmatch.MJS"), "text/javascript; charset=utf-8");
        assert_eq!(m("data/demo.json"), "application/json");
        assert_eq!(m("data/demo.csv"), "text/csv; charset=utf-8");
        assert_eq!(m("index.html"), "text/html; charset=utf-8");
        assert_eq!(m("style.css"), "text/css; charset=utf-8");
        assert_eq!(m("pkg/coopmatch.d.ts"), "text/plain; charset=utf-8");
        assert_eq!(m("README"), "application/octet-stream");
        assert_eq!(m("x.exe"), "application/octet-stream");
    }

    #[test]
    fn sanitize_accepts_normal_paths() {
        assert_eq!(sanitize_path("/").unwrap(), PathBuf::new());
        assert_eq!(
            sanitize_path("/pkg/coopmatch.js").unwrap(),
            PathBuf::from("pkg/coopmatch.js")
        );
        assert_eq!(
            sanitize_path("/pkg//./a.js?v=1#frag").unwrap(),
            PathBuf::from("pkg/a.js")
        );
        assert_eq!(
            sanitize_path("/data/%E7%A4%BA%E4%BE%8B.csv").unwrap(),
            PathBuf::from("data/示例.csv")
        );
        assert_eq!(sanitize_path("/a%20b").unwrap(), PathBuf::from("a b"));
    }

    #[test]
    fn sanitize_rejects_traversal() {
        use PathError::*;
        for bad in [
            "/../Cargo.toml",
            "/pkg/../../Cargo.toml",
            "/%2e%2e/Cargo.toml",
            "/%2E%2E%2FCargo.toml",
            "/..%2fCargo.toml",
            "/pkg/..%5c..%5cCargo.toml",
            "/.git/config",
            "/%2egit/config",
            "/a%00b",
            "/C:/Windows",
        ] {
            assert_eq!(sanitize_path(bad), Err(Forbidden), "{bad}");
        }
        for bad in [
            "../Cargo.toml",
            "Cargo.toml",
            "http://x/y",
            "*",
            "/%zz",
            "/%e7",
            "/%",
        ] {
            assert_eq!(sanitize_path(bad), Err(Malformed), "{bad}");
        }
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("a%41b").as_deref(), Some("aAb"));
        assert_eq!(percent_decode("%e4%b8%ad").as_deref(), Some("中"));
        assert_eq!(percent_decode("%4"), None);
        assert_eq!(percent_decode("%ff"), None); // not UTF-8
    }

    #[test]
    fn responses() {
        let root = temp_root();
        let r = respond("GET / HTTP/1.1", &root);
        assert_eq!(r.status, 200);
        assert_eq!(r.header("content-type"), Some("text/html; charset=utf-8"));
        assert_eq!(r.body, b"<!doctype html>hi");

        let r = respond("HEAD /pkg/coopmatch_bg.wasm HTTP/1.1", &root);
        assert_eq!((r.status, r.head_only), (200, true));
        assert_eq!(r.header("Content-Type"), Some("application/wasm"));

        let r = respond("GET /sub HTTP/1.1", &root);
        assert_eq!(r.status, 301);
        assert_eq!(r.header("Location"), Some("/sub/"));
        assert_eq!(respond("GET /sub/ HTTP/1.1", &root).body, b"sub");

        assert_eq!(respond("GET /../outside.txt HTTP/1.1", &root).status, 404);
        assert_eq!(respond("GET /.secret HTTP/1.1", &root).status, 404);
        assert_eq!(respond("GET /missing.js HTTP/1.1", &root).status, 404);
        assert_eq!(respond("GET ../outside.txt HTTP/1.1", &root).status, 400);
        assert_eq!(respond("GET /", &root).status, 400);
        assert_eq!(respond("GET / HTTP/2", &root).status, 505);
        let r = respond("POST / HTTP/1.1", &root);
        assert_eq!(r.status, 405);
        assert_eq!(r.header("Allow"), Some("GET, HEAD"));
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_cannot_escape() {
        let root = temp_root();
        std::os::unix::fs::symlink(root.join("../outside.txt"), root.join("link.txt")).unwrap();
        assert_eq!(respond("GET /link.txt HTTP/1.1", &root).status, 404);
    }

    #[test]
    fn serves_over_tcp_with_headers() {
        let root = temp_root();
        let port = spawn_background(&root, 0, false).unwrap();
        let get = |req: &str| {
            let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
            s.write_all(req.as_bytes()).unwrap();
            let mut out = String::new();
            s.read_to_string(&mut out).unwrap();
            out
        };
        let out = get("HEAD /pkg/coopmatch_bg.wasm HTTP/1.1\r\nHost: x\r\n\r\n");
        assert!(out.starts_with("HTTP/1.1 200 OK\r\n"), "{out}");
        assert!(out.contains("Content-Type: application/wasm\r\n"), "{out}");
        assert!(out.contains("Content-Length: 8\r\n"), "{out}");
        assert!(out.contains(&format!("Content-Security-Policy: {CSP}\r\n")));
        assert!(out.contains("Cache-Control: no-store\r\n"));
        assert!(
            out.ends_with("\r\n\r\n"),
            "HEAD must not send a body: {out}"
        );

        let out = get("GET /../outside.txt HTTP/1.1\r\n\r\n");
        assert!(out.starts_with("HTTP/1.1 404 "), "{out}");
        assert!(!out.contains("outside\n"), "{out}");
    }
}
