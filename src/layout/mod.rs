//! Layout engine: fonts and shaping, French typography, paragraphs, tables, pagination,
//! and the role of everything laid out (headings, lists, tables, figures, artifacts).
//! It knows nothing of plans.

pub mod bidi;
pub mod canvas;
mod direct;
pub mod flow;
pub mod fonts;
pub mod image;
mod kerning;
pub mod paragraph;
pub mod shaping;
pub mod table;
pub mod typography;

pub use canvas::{
    Artifact, Canvas, DocInfo, Document, Item, Outline, Page, PageSink, Rgb, Role, Scope, Style, Tag, Tree,
};
pub use flow::{Block, Draw, Flow, PageSetup};
pub use fonts::{measure, shape, Face};
pub use image::{Image, ImageData};
pub use paragraph::{Align, Paragraph};
pub use table::{Cell, CellDraw, Row, Table};
pub use typography::french;

/// A4 in points.
pub const A4_WIDTH: f32 = 595.28;
pub const A4_HEIGHT: f32 = 841.89;
