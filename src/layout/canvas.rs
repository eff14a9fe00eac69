//! What a laid-out page holds — positioned, shaped text and shapes, top-left origin,
//! points — and what each piece means: every item is either content of a node of the
//! structure tree (heading, paragraph, list, table cell, figure) or an artifact
//! (running header, page number, rule, fill). Bookmarks and the PDF's tagging both come
//! from this tree.

use super::fonts::{shape, Face, Shaped};

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    pub const BLACK: Rgb = Rgb(0, 0, 0);
    pub const WHITE: Rgb = Rgb(255, 255, 255);

    /// "#1F4E79" → colour; `None` when malformed.
    pub fn parse(hex: &str) -> Option<Rgb> {
        let h = hex.trim().trim_start_matches('#');
        if h.len() != 6 || !h.is_ascii() {
            return None;
        }
        let p = |i: usize| u8::from_str_radix(&h[i..i + 2], 16).ok();
        Some(Rgb(p(0)?, p(2)?, p(4)?))
    }

    /// Mixes with white: `t` = 0 keeps the colour, 1 gives white.
    pub fn tint(self, t: f32) -> Rgb {
        let m = |c: u8| (f32::from(c) + (255.0 - f32::from(c)) * t.clamp(0.0, 1.0)).round() as u8;
        Rgb(m(self.0), m(self.1), m(self.2))
    }

    /// Relative luminance, to pick readable text over a fill.
    pub fn is_dark(self) -> bool {
        self.contrast(Rgb::WHITE) >= self.contrast(Rgb::BLACK)
    }

    /// WCAG 2 relative luminance, 0 (black) to 1 (white).
    pub fn luminance(self) -> f32 {
        let lin = |c: u8| {
            let c = f32::from(c) / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * lin(self.0) + 0.7152 * lin(self.1) + 0.0722 * lin(self.2)
    }

    /// WCAG 2 contrast ratio with `other`, 1 to 21.
    pub fn contrast(self, other: Rgb) -> f32 {
        let (a, b) = (self.luminance(), other.luminance());
        (a.max(b) + 0.05) / (a.min(b) + 0.05)
    }

    /// Of white and `dark`, the ink that reads best on this fill.
    pub fn ink(self, dark: Rgb) -> Rgb {
        if self.contrast(Rgb::WHITE) >= self.contrast(dark) {
            Rgb::WHITE
        } else {
            dark
        }
    }

    /// Mixes with black: `t` = 0 keeps the colour, 1 gives black.
    pub fn shade(self, t: f32) -> Rgb {
        let m = |c: u8| (f32::from(c) * (1.0 - t.clamp(0.0, 1.0))).round() as u8;
        Rgb(m(self.0), m(self.1), m(self.2))
    }

    /// This colour, darkened just enough (hue kept) for white text on it, or it on
    /// white, to reach `ratio`: a light colour given by a plan stays readable.
    pub fn darkened_for_white(self, ratio: f32) -> Rgb {
        let mut t = 0.0;
        let mut c = self;
        while c.contrast(Rgb::WHITE) < ratio && t < 1.0 {
            t += 0.02;
            c = self.shade(t);
        }
        c
    }
}

/// Font, size and colour of a run of text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Style {
    pub face: Face,
    pub size: f32,
    pub color: Rgb,
}

impl Style {
    pub fn new(face: Face, size: f32, color: Rgb) -> Self {
        Style { face, size, color }
    }
}

/// Content that is not part of the document's logical structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Artifact {
    /// Running header (title, logo repeated on every page).
    Header,
    /// Running footer (deliberation reference).
    Footer,
    PageNumber,
    /// Rules, fills, decorative shapes.
    Layout,
    /// What pagination repeats: table headers and "(suite)" bands after a page break.
    Pagination,
}

/// Which header a table header cell heads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    Column,
    Row,
}

/// The meaning of a node of the structure tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    Document,
    /// A group of content (an axis of fiches), present only for bookmarks and nesting.
    Sect,
    /// Heading of level 1 (document title) to 6.
    H(u8),
    P,
    L,
    LI,
    Lbl,
    LBody,
    Table,
    THead,
    TBody,
    TR,
    TH(Scope),
    TD,
    /// A picture or a chart; its node carries the alternative text.
    Figure,
}

/// What an item belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tag {
    Artifact(Artifact),
    Node(usize),
}

/// A node of the structure tree.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub role: Role,
    pub parent: usize,
    pub kids: Vec<usize>,
    /// Alternative text (figures).
    pub alt: Option<String>,
    pub colspan: u32,
    pub rowspan: u32,
    /// Title of the bookmark this node makes, if any.
    pub bookmark: Option<String>,
    /// Page and height of its first content: where its bookmark points.
    pub anchor: Option<(usize, f32)>,
}

/// The logical structure of a document, in reading order. Node 0 is the document.
#[derive(Debug, Clone, PartialEq)]
pub struct Tree {
    pub nodes: Vec<Node>,
}

impl Default for Tree {
    fn default() -> Self {
        Tree::new()
    }
}

impl Tree {
    pub const ROOT: usize = 0;

    pub fn new() -> Self {
        Tree { nodes: vec![Node::new(Role::Document, 0)] }
    }

    /// A new last child of `parent`.
    pub fn add(&mut self, parent: usize, role: Role) -> usize {
        let id = self.nodes.len();
        self.nodes.push(Node::new(role, parent));
        self.nodes[parent].kids.push(id);
        id
    }

    /// A new first child of `parent` (a title known only once pages are laid out).
    pub fn add_first(&mut self, parent: usize, role: Role) -> usize {
        let id = self.nodes.len();
        self.nodes.push(Node::new(role, parent));
        self.nodes[parent].kids.insert(0, id);
        id
    }

    pub fn role(&self, id: usize) -> Role {
        self.nodes.get(id).map_or(Role::Document, |n| n.role)
    }

    /// Records that content of `id` was drawn at (page, y): the first such place anchors
    /// it and its ancestors.
    pub fn touch(&mut self, mut id: usize, page: usize, y: f32) {
        while id != Tree::ROOT && id < self.nodes.len() && self.nodes[id].anchor.is_none() {
            self.nodes[id].anchor = Some((page, y));
            id = self.nodes[id].parent;
        }
    }

    /// Bookmarks: nodes with a bookmark title, nested as the tree nests them.
    pub fn outline(&self) -> Vec<Outline> {
        let mut out = Vec::new();
        self.collect_outline(Tree::ROOT, &mut out);
        out
    }

    fn collect_outline(&self, id: usize, out: &mut Vec<Outline>) {
        for &k in &self.nodes[id].kids {
            let n = &self.nodes[k];
            match (&n.bookmark, n.anchor) {
                (Some(title), Some((page, y))) => {
                    let mut item = Outline { title: title.clone(), page, y, children: Vec::new() };
                    self.collect_outline(k, &mut item.children);
                    out.push(item);
                }
                _ => self.collect_outline(k, out),
            }
        }
    }
}

impl Node {
    fn new(role: Role, parent: usize) -> Self {
        Node { role, parent, kids: Vec::new(), alt: None, colspan: 1, rowspan: 1, bookmark: None, anchor: None }
    }
}

/// One drawing instruction and what it belongs to.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// Shaped text whose baseline starts at (x, y).
    Text {
        x: f32,
        y: f32,
        runs: Shaped,
        style: Style,
        tag: Tag,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fill: Option<Rgb>,
        stroke: Option<(Rgb, f32)>,
        tag: Tag,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        color: Rgb,
        width: f32,
        tag: Tag,
    },
    /// Image number `image` of the document, top-left at (x, y).
    Image {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        image: usize,
        tag: Tag,
    },
}

impl Item {
    pub fn tag(&self) -> Tag {
        match self {
            Item::Text { tag, .. } | Item::Rect { tag, .. } | Item::Line { tag, .. } | Item::Image { tag, .. } => *tag,
        }
    }

    /// The text an item shows (empty for shapes).
    pub fn text(&self) -> String {
        match self {
            Item::Text { runs, .. } => runs.iter().map(|r| r.text.as_str()).collect(),
            _ => String::new(),
        }
    }
}

/// A page: size and content.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub width: f32,
    pub height: f32,
    pub items: Vec<Item>,
}

impl Page {
    pub fn new(width: f32, height: f32) -> Self {
        Page { width, height, items: Vec::new() }
    }
}

/// Where a flow hands each page once nothing more will be drawn on it: a long document
/// is written page by page instead of being held whole.
pub trait PageSink {
    /// Page `index` (from 0) is complete; `tree` is the structure as it stands.
    fn page(&mut self, index: usize, page: Page, tree: &mut Tree);
}

/// Keeps every page it is handed, in order.
impl PageSink for Vec<Page> {
    fn page(&mut self, index: usize, page: Page, _tree: &mut Tree) {
        debug_assert_eq!(index, self.len());
        self.push(page);
    }
}

/// Drawing on a page with a current tag: text goes to the current node (or artifact);
/// shapes are layout artifacts unless they draw a figure.
pub struct Canvas<'a> {
    pub page: &'a mut Page,
    pub page_index: usize,
    pub tree: &'a mut Tree,
    pub tag: Tag,
}

impl<'a> Canvas<'a> {
    pub fn new(page: &'a mut Page, page_index: usize, tree: &'a mut Tree, tag: Tag) -> Self {
        Canvas { page, page_index, tree, tag }
    }

    fn shape_tag(&self) -> Tag {
        match self.tag {
            Tag::Node(id) if self.tree.role(id) == Role::Figure => self.tag,
            _ => Tag::Artifact(Artifact::Layout),
        }
    }

    fn mark(&mut self, tag: Tag, y: f32) {
        if let Tag::Node(id) = tag {
            self.tree.touch(id, self.page_index, y);
        }
    }

    pub fn text(&mut self, x: f32, y: f32, text: &str, style: Style) {
        if !text.is_empty() {
            self.runs(x, y, shape(text, style.face), style);
        }
    }

    pub fn runs(&mut self, x: f32, y: f32, runs: Shaped, style: Style) {
        let tag = self.tag;
        self.mark(tag, y - style.size);
        self.page.items.push(Item::Text { x, y, runs, style, tag });
    }

    pub fn fill(&mut self, x: f32, y: f32, w: f32, h: f32, color: Rgb) {
        let tag = self.shape_tag();
        self.page.items.push(Item::Rect { x, y, w, h, fill: Some(color), stroke: None, tag });
    }

    pub fn stroke(&mut self, x: f32, y: f32, w: f32, h: f32, color: Rgb, width: f32) {
        let tag = self.shape_tag();
        self.page.items.push(Item::Rect { x, y, w, h, fill: None, stroke: Some((color, width)), tag });
    }

    /// A frame that is the content of the current node (an empty table cell, which
    /// must hold something to exist in the structure).
    pub fn stroke_content(&mut self, x: f32, y: f32, w: f32, h: f32, color: Rgb, width: f32) {
        let tag = self.tag;
        self.mark(tag, y);
        self.page.items.push(Item::Rect { x, y, w, h, fill: None, stroke: Some((color, width)), tag });
    }

    pub fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, color: Rgb, width: f32) {
        let tag = self.shape_tag();
        self.page.items.push(Item::Line { x1, y1, x2, y2, color, width, tag });
    }

    /// An image belongs to the current node when that is a figure, else it is an artifact.
    pub fn image(&mut self, x: f32, y: f32, w: f32, h: f32, image: usize) {
        let tag = self.shape_tag();
        self.mark(tag, y);
        self.page.items.push(Item::Image { x, y, w, h, image, tag });
    }

    /// An image that is the content of the current node: a figure added to the tree
    /// after its page is drawn (page 1's logo, see `documents::common::Decor`).
    pub fn figure_image(&mut self, x: f32, y: f32, w: f32, h: f32, image: usize) {
        let tag = self.tag;
        self.mark(tag, y);
        self.page.items.push(Item::Image { x, y, w, h, image, tag });
    }

    /// A new node under the parent of the current one (or the document), made current.
    pub fn sibling(&mut self, role: Role) -> usize {
        let parent = match self.tag {
            Tag::Node(id) => self.tree.nodes[id].parent,
            Tag::Artifact(_) => Tree::ROOT,
        };
        let id = self.tree.add(parent, role);
        self.tag = Tag::Node(id);
        id
    }
}

/// A bookmark: title, target page and height, nested entries.
#[derive(Debug, Clone, PartialEq)]
pub struct Outline {
    pub title: String,
    pub page: usize,
    pub y: f32,
    pub children: Vec<Outline>,
}

/// Document information written in the PDF.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DocInfo {
    pub title: String,
    pub author: String,
    pub subject: String,
    pub keywords: Vec<String>,
    pub creator: String,
    /// BCP 47 language, e.g. "fr-FR".
    pub lang: String,
    /// Creation date (YYYY-MM-DD); none means no date is written.
    pub date: Option<String>,
}

/// A laid-out document, ready to render.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Document {
    pub pages: Vec<Page>,
    pub tree: Tree,
    pub info: DocInfo,
    /// Images drawn by `Item::Image`.
    pub images: Vec<super::image::Image>,
}

impl Document {
    /// Bookmarks, from the nodes that carry one.
    pub fn outline(&self) -> Vec<Outline> {
        self.tree.outline()
    }
}
