//! The rules binhchon implements, as pure data and functions: no IO, no async, no clock.
//! Compiled into the server and into the browser bundle, so a judge sees the same
//! totals and stars the server computes.
//!
//! - [`points`]: exact scores ([`Points`] in hundredths, [`Mean`] as a fraction).
//! - [`ruleset`], [`form`]: versioned rule sets and score forms, loaded from TOML and validated
//!   ([`issue`] names the place of every problem); [`catalogue`] holds the shipped files.
//! - [`sheet`]: one judge's answers and their total; [`aggregate`]: the council's statistics;
//!   [`rating`]: stars, the mandatory cap and the outcome at a level.
//! - [`council`]: who scores, conflicts of interest, who sees which scores in each phase.
//! - [`certificate`]: validity dates; [`workflow`]: state machines; [`values`]: validated inputs.

// Unit tests may unwrap: a panic there is a failing test, not a 500.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod access;
pub mod aggregate;
pub mod catalogue;
pub mod certificate;
pub mod council;
pub mod form;
pub mod issue;
pub mod points;
pub mod rating;
pub mod ruleset;
pub mod sheet;
pub mod text;
pub mod values;
pub mod workflow;

pub use points::{Mean, Points};
