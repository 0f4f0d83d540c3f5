//! Values across the WebAssembly boundary, shared by every bindings crate
//! (`wasm/matcher`, `wasm/event`): core errors as JS `Error`s, results as
//! plain JS objects, and JS inputs read through JSON text.

use serde::Serialize;
use serde_json::Value;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    type TextEncoder;
    #[wasm_bindgen(constructor)]
    fn new() -> TextEncoder;
    #[wasm_bindgen(method, js_name = encodeInto)]
    fn encode_into(
        this: &TextEncoder,
        text: &js_sys::JsString,
        into: &js_sys::Uint8Array,
    ) -> Encoded;

    /// What `encodeInto` did: UTF-16 units read, UTF-8 bytes written.
    type Encoded;
    #[wasm_bindgen(method, getter)]
    fn read(this: &Encoded) -> u32;
    #[wasm_bindgen(method, getter)]
    fn written(this: &Encoded) -> u32;
}

/// A JS string as Rust text; `None` for anything else.
///
/// `TextEncoder.encodeInto` writes the UTF-8 straight into WebAssembly
/// memory, where `encode` followed by a copy would make a JS buffer the
/// size of the text and copy it in. The room given is the text's UTF-16 length, which is
/// exact for ASCII; text that needs more gets half as much again of what
/// is left, piece by piece, rather than three bytes per unit at once as
/// wasm-bindgen's own conversion (`JsValue::as_string`) reserves: memory,
/// once grown, stays grown, and that grew it by 4.7 MB for each 1.6 MB
/// chunk of a profiles file. Lone surrogates become U+FFFD, as with
/// `as_string`.
pub fn js_string(value: &JsValue) -> Option<String> {
    let text: &js_sys::JsString = value.dyn_ref()?;
    let units = text.length();
    let encoder = TextEncoder::new();
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    let mut bytes: Vec<u8> = Vec::new();
    let (mut read, mut written) = (0u32, 0usize);
    while read < units {
        let rest = (units - read) as usize;
        // The UTF-16 length first, then half as much again of what is
        // left; at least four bytes, so a surrogate pair always fits.
        let room = if read == 0 { rest } else { rest + rest / 2 }.max(4);
        bytes.resize(written + room, 0);
        let rest_text = if read == 0 {
            text.clone()
        } else {
            text.slice(read, units)
        };
        // The view is made after the resize: growing memory would detach it.
        let into = js_sys::Uint8Array::new_with_byte_offset_and_length(
            &memory.buffer(),
            bytes.as_ptr() as u32 + written as u32,
            room as u32,
        );
        let done = encoder.encode_into(&rest_text, &into);
        if done.read() == 0 {
            // Cannot happen with four bytes of room; never loop on it.
            return value.as_string();
        }
        read += done.read();
        written += done.written() as usize;
    }
    bytes.truncate(written);
    String::from_utf8(bytes).ok().or_else(|| value.as_string())
}

/// A core error as a JS `Error` with the core's message.
pub fn js_error(e: impl std::fmt::Display) -> JsError {
    JsError::new(&e.to_string())
}

/// A Rust value as a plain JS object (`Map`s would be awkward in JS).
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsError::new(&format!("cannot convert the result: {e}")))
}

/// A JS value as JSON text: a string as it is (already JSON, or CSV and
/// the like for the importers' callers to parse), anything else through
/// `JSON.stringify`. Going through text rather than converting value by
/// value matters: that conversion recurses without a limit, so an array
/// nested 10,000 deep overflowed the WASM stack and left the module dead;
/// serde_json stops at 128 levels with an error, and `JSON.stringify`
/// refuses cycles.
pub fn json_text(value: &JsValue, what: &str) -> Result<String, JsError> {
    if let Some(text) = js_string(value) {
        return Ok(text);
    }
    js_sys::JSON::stringify(value)
        .ok()
        .and_then(|s| s.as_string())
        .map(|text| replace_lone_surrogates(&text).into_owned())
        .ok_or_else(|| {
            JsError::new(&format!(
                "{what}: not a JSON value (nested too deeply, a cycle, or too large)"
            ))
        })
}

/// A JS value as a JSON value (see [`json_text`]); `undefined` and `null`
/// are `Null`.
pub fn to_json(value: JsValue, what: &str) -> Result<Value, JsError> {
    if value.is_undefined() || value.is_null() {
        return Ok(Value::Null);
    }
    let text = match value.as_string() {
        // A JS string is a JSON string value here, not JSON text.
        Some(s) => return Ok(Value::String(s)),
        None => json_text(&value, what)?,
    };
    serde_json::from_str(&text).map_err(|e| JsError::new(&format!("{what}: {e}")))
}

/// A JS value as a Rust value, by way of [`to_json`] (the scheduler's
/// parties and schedules; the matcher reads its records by hand).
pub fn from_js<T: serde::de::DeserializeOwned>(value: JsValue, what: &str) -> Result<T, JsError> {
    serde_json::from_value(to_json(value, what)?).map_err(|e| JsError::new(&format!("{what}: {e}")))
}

/// `JSON.stringify` writes a lone surrogate (legal in a JS string) as a
/// `\udXXX` escape, which serde_json refuses; like the conversion of JS
/// strings elsewhere, it becomes U+FFFD. (`JSON.stringify` escapes
/// nothing else above U+001F, so every such escape is a lone surrogate.)
fn replace_lone_surrogates(json: &str) -> std::borrow::Cow<'_, str> {
    if !json.contains("\\ud") {
        return json.into();
    }
    let mut out = String::with_capacity(json.len());
    let mut rest = json;
    while let Some(i) = rest.find('\\') {
        out.push_str(&rest[..i]);
        let esc = &rest[i..];
        let lone = esc.starts_with("\\u")
            && esc
                .get(2..6)
                .and_then(|h| u16::from_str_radix(h, 16).ok())
                .is_some_and(|c| (0xD800..0xE000).contains(&c));
        // The backslash and the character it escapes, kept as they are.
        let take = if lone {
            6
        } else {
            1 + esc[1..].chars().next().map_or(0, char::len_utf8)
        };
        out.push_str(if lone { "\\ufffd" } else { &esc[..take] });
        rest = &esc[take..];
    }
    out.push_str(rest);
    out.into()
}
