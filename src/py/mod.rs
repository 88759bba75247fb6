//! Python-compatible text forms.
//!
//! The reference hashes strings that Python produced: `repr()` of a dict and
//! `json.dumps(...)` with the default separators and ASCII escaping. To give
//! the same digests, the ports must produce the same bytes. This module holds
//! the value model ([`PyValue`]) and the writers that reproduce those forms.

mod float;
mod json;
mod parse;
mod repr;
mod value;

pub use float::{float_repr, write_float_repr};
pub use json::{JsonStyle, write_json_str};
pub use repr::write_str_repr;
pub use value::{PyInt, PyValue, PyValueError};
