//! Layout engine: fonts and text measuring, French typography, paragraphs, tables and
//! pagination. It knows nothing of plans.

pub mod canvas;
pub mod flow;
pub mod fonts;
pub mod image;
pub mod paragraph;
pub mod table;
pub mod typography;

pub use canvas::{DocInfo, Document, Item, Outline, Page, Rgb, Style};
pub use flow::{Block, Draw, Flow, MarkPos, PageSetup};
pub use fonts::{measure, Face};
pub use image::{Image, ImageData};
pub use paragraph::{Align, Paragraph};
pub use table::{Cell, CellDraw, Row, Table};
pub use typography::french;

/// A4 in points.
pub const A4_WIDTH: f32 = 595.28;
pub const A4_HEIGHT: f32 = 841.89;
