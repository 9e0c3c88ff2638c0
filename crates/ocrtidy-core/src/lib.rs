//! The core of ocrtidy: the [`Pass`] trait, pass ids ([`PassId`]) and declarations ([`PassSpec`]), the
//! [`Runner`] that runs passes in order, and the change ledger ([`Change`]).
//!
//! Architecture invariants:
//! - A pass reads text and pushes edits into an [`EditSink`]; it cannot fail and does no IO.
//!   Configuration and data are validated when a pass is built.
//! - Every change in the ledger is expressed in offsets of the ORIGINAL input. Applying the
//!   applied changes of [`Cleaned::changes`] to the input reproduces [`Cleaned::text`].
//! - Suggestions never alter the text.
//! - This crate prints nothing.

mod change;
mod ids;
mod pass;
mod runner;
mod spec;
#[cfg(any(test, feature = "testing"))]
#[doc(hidden)]
pub mod testing;

pub use change::{replay, Candidate, Change, Step};
pub use ids::PassId;
pub use ocrtidy_text as text;
pub use pass::{
    ConfidenceSpan, Context, EditSink, FurnitureHint, LineBreakHint, Pass, PassInput, PassMemory,
};
pub use runner::{Cleaned, RunStats, Runner};
pub use spec::{intern, PassKind, PassSpec, RuleSpec};
