//! The logical structure: one structure element per node of the layout's tree that has
//! content, its marked content and children in reading order; the parent tree that
//! leads from each page's marked content back to its element; headings titled with
//! their text, table cells with their scope and spans, figures with their alternative
//! text and box. And the bookmarks, from the same tree.

use pdf_writer::types::{ListNumbering, StructRole, TableHeaderScope};
use pdf_writer::{Finish, Name, Pdf, Rect, Ref, TextStr};

use rustc_hash::FxHashMap as HashMap;

use super::Refs;
use crate::layout::canvas::{Item, Outline, Role, Scope, Tree};

/// The pages written: their references and heights.
pub(crate) struct Pages<'a> {
    pub refs: &'a [Ref],
    pub heights: &'a [f32],
}

/// What page writing learns of each node: its marked content, in drawing order, and
/// what its element needs (a heading's text, a figure's box). Grows as pages are
/// written; nodes made after their pages (page 1's header) are announced by `expect`.
#[derive(Default)]
pub(crate) struct Marks {
    /// (page, MCID) of each node's content.
    content: Vec<Vec<(usize, i32)>>,
    /// Node of each MCID, page by page.
    pages: Vec<Vec<usize>>,
    /// Headings' texts.
    titles: HashMap<usize, String>,
    /// Figures: page and box (top-left origin: x0, y0, x1, y1).
    boxes: HashMap<usize, (usize, [f32; 4])>,
    /// Roles of nodes drawn before they are in the tree.
    expected: Vec<(usize, Role)>,
    page: usize,
}

impl Marks {
    /// Node `id` will be in the tree, with `role`, only after its content is drawn.
    pub(crate) fn expect(&mut self, id: usize, role: Role) {
        self.expected.push((id, role));
    }

    fn role(&self, tree: &Tree, n: usize) -> Option<Role> {
        tree.nodes.get(n).map(|x| x.role).or_else(|| self.expected.iter().find(|(id, _)| *id == n).map(|(_, r)| *r))
    }

    /// Page `page` is being written (every page has its entry in the parent tree).
    pub(crate) fn start_page(&mut self, page: usize) {
        if self.pages.len() <= page {
            self.pages.resize_with(page + 1, Vec::new);
        }
    }

    /// A new marked-content sequence of node `n` on `page`: its MCID.
    pub(crate) fn mcid(&mut self, n: usize, page: usize) -> i32 {
        self.start_page(page);
        let ids = &mut self.pages[page];
        let mcid = ids.len() as i32;
        ids.push(n);
        if self.content.len() <= n {
            self.content.resize_with(n + 1, Vec::new);
        }
        self.content[n].push((page, mcid));
        self.page = page;
        mcid
    }

    /// Notes what an item of node `n` tells its element.
    pub(crate) fn record(&mut self, tree: &Tree, n: usize, it: &Item) {
        match (self.role(tree, n), it) {
            (Some(Role::H(_)), Item::Text { runs, .. }) => {
                let t = self.titles.entry(n).or_default();
                for r in runs.iter() {
                    if !t.is_empty() && !t.ends_with(' ') && r.text.starts_with(|c: char| !c.is_whitespace()) {
                        t.push(' ');
                    }
                    t.push_str(&r.text);
                }
            }
            (Some(Role::Figure), _) => {
                let b = match *it {
                    Item::Rect { x, y, w, h, .. } | Item::Image { x, y, w, h, .. } => [x, y, x + w, y + h],
                    Item::Line { x1, y1, x2, y2, .. } => [x1.min(x2), y1.min(y2), x1.max(x2), y1.max(y2)],
                    Item::Text { x, y, ref runs, style, .. } => {
                        let w: f32 = runs.iter().map(|r| r.width).sum::<f32>() * style.size;
                        [x, y - style.size, x + w, y + style.size * 0.3]
                    }
                };
                let page = self.page;
                let slot = self.boxes.entry(n).or_insert((page, b));
                if slot.0 == page {
                    let a = slot.1;
                    slot.1 = [a[0].min(b[0]), a[1].min(b[1]), a[2].max(b[2]), a[3].max(b[3])];
                }
            }
            _ => {}
        }
    }
}

impl Marks {
    /// (page, MCID) of node `n`'s content.
    fn own(&self, n: usize) -> &[(usize, i32)] {
        self.content.get(n).map_or(&[], Vec::as_slice)
    }
}

/// Does node `n` or a descendant have content? An element without any would be empty.
fn has_content(tree: &Tree, marks: &Marks, n: usize, memo: &mut [Option<bool>]) -> bool {
    if let Some(v) = memo[n] {
        return v;
    }
    let v = !marks.own(n).is_empty() || tree.nodes[n].kids.iter().any(|k| has_content(tree, marks, *k, memo));
    memo[n] = Some(v);
    v
}

/// Writes the structure tree; returns the StructTreeRoot.
pub(crate) fn write_tree(tree: &Tree, marks: &Marks, pages: &Pages<'_>, pdf: &mut Pdf, refs: &mut Refs) -> Ref {
    let page_refs = pages.refs;
    let root = refs.next();
    let mut memo = vec![None; tree.nodes.len()];
    // Element of each node with content; the document element always exists.
    let elems: Vec<Option<Ref>> = (0..tree.nodes.len())
        .map(|n| (n == Tree::ROOT || has_content(tree, marks, n, &mut memo)).then(|| refs.next()))
        .collect();
    for (n, node) in tree.nodes.iter().enumerate() {
        let Some(me) = elems[n] else { continue };
        let mut e = pdf.struct_element(me);
        let parent = if n == Tree::ROOT { root } else { elems[node.parent].unwrap_or(root) };
        e.parent(parent);
        e.kind(struct_role(node.role, n == Tree::ROOT));
        let first_page = marks.own(n).first().map(|(p, _)| *p);
        if let Some(p) = first_page {
            e.page(page_refs[p]);
        }
        element_attributes(&mut e, tree, marks, pages.heights, n);
        // Its own content first, then its children: the order the layout drew them.
        let kids: Vec<Ref> = node.kids.iter().filter_map(|k| elems[*k]).collect();
        element_kids(&mut e, marks.own(n), &kids, first_page, page_refs);
    }
    write_parent_tree(marks, &elems, root, pdf, refs);
    root
}

/// The PDF role of a layout role (the root is the Document, other documents sections).
fn struct_role(role: Role, is_root: bool) -> StructRole {
    match role {
        Role::Document if is_root => StructRole::Document,
        Role::Document | Role::Sect => StructRole::Sect,
        Role::H(l) => match l {
            0 | 1 => StructRole::H1,
            2 => StructRole::H2,
            3 => StructRole::H3,
            4 => StructRole::H4,
            5 => StructRole::H5,
            _ => StructRole::H6,
        },
        Role::P => StructRole::P,
        Role::L => StructRole::L,
        Role::LI => StructRole::LI,
        Role::Lbl => StructRole::Lbl,
        Role::LBody => StructRole::LBody,
        Role::Table => StructRole::Table,
        Role::THead => StructRole::THead,
        Role::TBody => StructRole::TBody,
        Role::TR => StructRole::TR,
        Role::TH(_) => StructRole::TH,
        Role::TD => StructRole::TD,
        Role::Figure => StructRole::Figure,
    }
}

/// What an element says beyond its role: a heading's title, a figure's text and box, a
/// list's numbering, a table cell's scope and spans.
fn element_attributes(
    e: &mut pdf_writer::writers::StructElement<'_>,
    tree: &Tree,
    marks: &Marks,
    heights: &[f32],
    n: usize,
) {
    let node = &tree.nodes[n];
    match node.role {
        Role::H(_) => {
            let title = marks.titles.get(&n).map_or(String::new(), |t| t.replace(['\u{a0}', '\u{202f}'], " "));
            e.title(TextStr(&title));
        }
        Role::Figure => {
            if let Some(alt) = &node.alt {
                e.alt(TextStr(alt));
            }
            if let Some(&(p, b)) = marks.boxes.get(&n) {
                let h = heights[p];
                let mut a = e.attributes();
                a.push().layout().bbox(Rect::new(b[0], h - b[3], b[2], h - b[1]));
            }
        }
        Role::L => {
            e.attributes().push().list().list_numbering(ListNumbering::Disc);
        }
        Role::TH(_) | Role::TD => {
            let scope = match node.role {
                Role::TH(Scope::Column) => Some(TableHeaderScope::Column),
                Role::TH(Scope::Row) => Some(TableHeaderScope::Row),
                _ => None,
            };
            if scope.is_some() || node.rowspan > 1 || node.colspan > 1 {
                let mut attrs = e.attributes();
                let mut t = attrs.push().table();
                if let Some(s) = scope {
                    t.scope(s);
                }
                if node.rowspan > 1 {
                    t.row_span(node.rowspan as i32);
                }
                if node.colspan > 1 {
                    t.col_span(node.colspan as i32);
                }
            }
        }
        _ => {}
    }
}

/// An element's marked content, then its child elements. A single kid is written bare,
/// as most writers do (and some checkers expect).
fn element_kids(
    e: &mut pdf_writer::writers::StructElement<'_>,
    own: &[(usize, i32)],
    kids: &[Ref],
    first_page: Option<usize>,
    page_refs: &[Ref],
) {
    match (own, kids) {
        ([(p, mcid)], []) if Some(*p) == first_page => {
            e.pair(Name(b"K"), *mcid);
        }
        ([], [r]) => {
            e.child(*r);
        }
        _ => {
            let mut k = e.children();
            for (p, mcid) in own {
                if Some(*p) == first_page {
                    k.marked_content_id(*mcid);
                } else {
                    k.marked_content_ref().marked_content_id(*mcid).page(page_refs[*p]);
                }
            }
            for r in kids {
                k.struct_element(*r);
            }
        }
    }
}

/// The parent tree (page i, StructParents i → the element of each of its MCIDs) and the
/// StructTreeRoot itself.
fn write_parent_tree(marks: &Marks, elems: &[Option<Ref>], root: Ref, pdf: &mut Pdf, refs: &mut Refs) {
    let arrays: Vec<Ref> = marks.pages.iter().map(|_| refs.next()).collect();
    for (ids, r) in marks.pages.iter().zip(&arrays) {
        pdf.indirect(*r).array().items(ids.iter().map(|n| elems[*n].unwrap_or(root)));
    }
    let mut t = pdf.indirect(root).start::<pdf_writer::writers::StructTreeRoot>();
    t.child(elems[Tree::ROOT].unwrap_or(root));
    {
        let mut tree = t.parent_tree();
        let mut nums = tree.nums();
        for (i, r) in arrays.iter().enumerate() {
            nums.insert(i as i32, *r);
        }
    }
    t.parent_tree_next_key(marks.pages.len() as i32);
    t.finish();
}

/// Writes the bookmarks; returns the outline dictionary, if there are any.
pub(crate) fn write_outline(tree: &Tree, pages: &Pages<'_>, pdf: &mut Pdf, refs: &mut Refs) -> Option<Ref> {
    let items = tree.outline();
    if items.is_empty() {
        return None;
    }
    let root = refs.next();
    let (first, last, visible) = write_level(&items, root, true, pages, pdf, refs);
    pdf.outline(root).first(first).last(last).count(visible);
    Some(root)
}

/// Writes sibling items; returns the first, the last and how many items show.
fn write_level(
    items: &[Outline],
    parent: Ref,
    top: bool,
    pages: &Pages<'_>,
    pdf: &mut Pdf,
    refs: &mut Refs,
) -> (Ref, Ref, i32) {
    let page_refs = pages.refs;
    let ids: Vec<Ref> = items.iter().map(|_| refs.next()).collect();
    let mut visible = 0;
    for (i, item) in items.iter().enumerate() {
        // A long plan opens as its list of axes.
        let open = !top || item.children.is_empty();
        let kids = (!item.children.is_empty()).then(|| write_level(&item.children, ids[i], false, pages, pdf, refs));
        let mut o = pdf.outline_item(ids[i]);
        o.title(TextStr(&item.title)).parent(parent);
        if i > 0 {
            o.prev(ids[i - 1]);
        }
        if i + 1 < ids.len() {
            o.next(ids[i + 1]);
        }
        visible += 1;
        if let Some((first, last, n)) = kids {
            o.first(first).last(last).count(if open { n } else { -n });
            if open {
                visible += n;
            }
        }
        let page = item.page.min(page_refs.len().saturating_sub(1));
        let height = pages.heights.get(page).copied().unwrap_or(0.0);
        o.dest().page(page_refs[page]).xyz(0.0, height - item.y, None);
    }
    (ids[0], ids[ids.len() - 1], visible)
}
