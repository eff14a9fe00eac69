//! plandoc: French territorial action plans, from spreadsheets to documents.
//!
//! The pipeline: [`ingest`] (calamine cells → plan) › [`model`] (plain serde types) ›
//! [`validate`] (diagnostics) › [`render`] (PDF, XLSX) › [`job`] / [`batch`] / [`synthesis`] › [`cli`] and [`serve`].

pub mod batch;
pub mod cancel;
pub mod cli;
pub mod documents;
pub mod durable;
pub mod evaluation;
pub mod ingest;
pub mod job;
pub mod layout;
pub mod model;
pub mod named_file;
pub mod prepare;
pub mod render;
pub mod serve;
pub mod sheet_formats;
pub mod streamed;
pub mod synthesis;
pub mod templates;
pub mod text;
pub mod validate;
