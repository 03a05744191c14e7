//! The rules binhchon implements, as pure data and functions: no IO, no async.
//! Compiled into the server and into the browser bundle, so a judge sees the same
//! totals and stars the server computes.

pub mod access;
pub mod text;
