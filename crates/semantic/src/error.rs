//! One error type for the crate: a kind the caller can match on and a
//! message a person can read. Loading a model file and embedding a text
//! return `Result<_, Error>`; nothing here panics on input.

use std::fmt;

/// What went wrong, broadly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// Not a coopmatch model file at all (wrong magic).
    NotAModel,
    /// A model file of a format version this build does not read.
    Version,
    /// The file ends before its header or payload says it should.
    Truncated,
    /// The payload's checksum does not match: the file was damaged.
    Checksum,
    /// The file is whole but a value in it breaks the format's rules.
    Invalid,
    /// Input is larger than a documented limit.
    Limit,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    message: String,
}

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
        }
    }

    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Invalid, message)
    }

    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

pub type Result<T> = std::result::Result<T, Error>;
