//! One error type for the whole crate, with a kind the caller can match on
//! and a message a person can read. Every place where input enters returns
//! `Result<_, Error>`; nothing in the core panics on data.

use std::fmt;

/// What went wrong, broadly: lets callers (the CLI, the WASM layer) choose
/// an exit code or an error class without parsing messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The input could not be parsed at all (not JSON, not CSV, wrong type).
    Parse,
    /// A record parsed but breaks a rule (missing id, duplicate id, bad value).
    Invalid,
    /// A parameter or option is out of its documented range.
    Parameter,
    /// A named thing (profile id, challenge id) does not exist.
    NotFound,
    /// Input is larger than a documented limit.
    Limit,
    /// Reading or writing a file failed (command-line tool only).
    Io,
}

/// What is wrong with an index file (`.cmx`), on errors from reading one:
/// tells a foreign file from a cut, damaged or newer one without reading
/// the message (which says the same for a person).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StoreErrorKind {
    /// Not an index file: it does not start with the magic bytes.
    NotAnIndex,
    /// An index of a format version this build does not read.
    Version,
    /// Shorter than its header says.
    Truncated,
    /// Longer than its header says.
    TrailingBytes,
    /// Its checksum does not match its contents.
    Checksum,
    /// Its contents break the format.
    Damaged,
    /// There is not enough memory to load it.
    OutOfMemory,
}

/// An error with a kind, a message, and where it happened when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    message: String,
    /// The record field at fault, when one is (`keywords`, `works[2].year`).
    field: Option<String>,
    /// What is wrong with an index file, for errors reading one.
    store: Option<StoreErrorKind>,
}

impl Error {
    /// An error of `kind` saying `message`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            field: None,
            store: None,
        }
    }

    /// Says what is wrong with the index file being read.
    pub fn with_store_kind(mut self, kind: StoreErrorKind) -> Self {
        self.store = Some(kind);
        self
    }

    /// What is wrong with the index file, when the error came from reading one.
    pub fn store_kind(&self) -> Option<StoreErrorKind> {
        self.store
    }

    /// Names the record field at fault.
    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    /// The record field at fault, when one is.
    pub fn field(&self) -> Option<&str> {
        self.field.as_deref()
    }

    /// An [`ErrorKind::Parse`] error.
    pub fn parse(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Parse, message)
    }

    /// An [`ErrorKind::Invalid`] error.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Invalid, message)
    }

    /// An [`ErrorKind::Parameter`] error.
    pub fn parameter(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Parameter, message)
    }

    /// An [`ErrorKind::NotFound`] error.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::NotFound, message)
    }

    /// An [`ErrorKind::Limit`] error.
    pub fn limit(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Limit, message)
    }

    /// What went wrong, broadly.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The message, for a person.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Prefixes the message with where the error happened (a file name,
    /// a line), keeping the kind.
    pub fn context(self, place: impl fmt::Display) -> Self {
        Error {
            message: format!("{place}: {}", self.message),
            ..self
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// The scheduler's errors have the same kinds as the engine's.
impl From<coopmatch_event::Error> for Error {
    fn from(e: coopmatch_event::Error) -> Self {
        use coopmatch_event::ErrorKind as Event;
        let kind = match e.kind() {
            Event::Parse => ErrorKind::Parse,
            Event::Invalid => ErrorKind::Invalid,
            Event::Parameter => ErrorKind::Parameter,
            Event::NotFound => ErrorKind::NotFound,
            Event::Limit => ErrorKind::Limit,
        };
        Error::new(kind, e.message())
    }
}

/// A result with the crate's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_prefixes_message_and_keeps_kind() {
        let e = Error::invalid("missing id").context("profiles.csv:3");
        assert_eq!(e.kind(), ErrorKind::Invalid);
        assert_eq!(e.to_string(), "profiles.csv:3: missing id");
    }
}
