//! ocrtidy cleans text produced by OCR. It repairs what it is sure of, proposes what it is not,
//! and accounts for every change.
//!
//! ```
//! let cleaned = ocrtidy::Pipeline::default().clean("第一段  \r\n\r\n\r\n第二段\r\n");
//! assert_eq!(cleaned.text, "第一段\n第二段");
//! // Every change carries its pass, rule, confidence and span in the original input.
//! assert!(cleaned.changes.iter().all(|c| c.applied));
//! assert_eq!(ocrtidy::replay("第一段  \r\n\r\n\r\n第二段\r\n", &cleaned.changes).as_deref(),
//!            Some(cleaned.text.as_str()));
//! ```
//!
//! This crate is the facade: it wires the pass crates into a [`Pipeline`] through the pass
//! registry in [`registry`], and re-exports the types a library user needs.

pub mod registry;

pub use ocrtidy_core::{
    replay, text, Candidate, Change, Cleaned, Context, Pass, PassId, RunStats, Step,
};
pub use ocrtidy_normalize::ParagraphSeparator;
pub use registry::{available_passes, BuildError, Config};

use ocrtidy_core::Runner;

/// An ordered set of passes with their configuration, ready to clean text.
#[derive(Debug)]
pub struct Pipeline {
    runner: Runner,
    context: Context,
}

impl Default for Pipeline {
    /// The default pipeline: every available pass with the default configuration.
    fn default() -> Self {
        PipelineBuilder::default()
            .build()
            .expect("the default configuration uses embedded data only and is valid")
    }
}

impl Pipeline {
    pub fn builder() -> PipelineBuilder {
        PipelineBuilder::default()
    }

    /// Cleans one text.
    pub fn clean(&self, text: &str) -> Cleaned {
        self.runner.run(text, &self.context)
    }

    /// The ids of the passes this pipeline runs, in order.
    pub fn passes(&self) -> Vec<PassId> {
        self.runner.pass_ids()
    }
}

/// Chooses passes and configuration for a [`Pipeline`].
#[derive(Debug, Clone, Default)]
pub struct PipelineBuilder {
    only: Option<Vec<PassId>>,
    skip: Vec<PassId>,
    config: Config,
}

impl PipelineBuilder {
    /// Runs only these passes (still in pipeline order).
    pub fn only(mut self, passes: impl IntoIterator<Item = PassId>) -> Self {
        self.only = Some(passes.into_iter().collect());
        self
    }

    /// Leaves these passes out.
    pub fn skip(mut self, passes: impl IntoIterator<Item = PassId>) -> Self {
        self.skip.extend(passes);
        self
    }

    pub fn config(mut self, config: Config) -> Self {
        self.config = config;
        self
    }

    /// Builds the passes. Fails when a selected pass is not available in this build or its
    /// configuration or data is invalid.
    pub fn build(self) -> Result<Pipeline, BuildError> {
        let mut passes = Vec::new();
        if let Some(only) = &self.only {
            for id in only {
                if !available_passes().contains(id) {
                    return Err(BuildError::Unavailable(*id));
                }
            }
        }
        for &id in available_passes() {
            let wanted = self.only.as_ref().is_none_or(|o| o.contains(&id));
            if !wanted || self.skip.contains(&id) {
                continue;
            }
            let explicitly = self.only.is_some();
            if let Some(pass) = registry::build_pass(id, &self.config, explicitly)? {
                passes.push(pass);
            }
        }
        Ok(Pipeline {
            runner: Runner::new(passes),
            context: Context::default(),
        })
    }
}
