//! WCAG 2 contrast of the template's colours, as the documents pair them: text on its
//! background at 4.5:1 (3:1 from 18 pt, or 14 pt bold), graphics at 3:1 against white
//! and against their neighbours in the status chart (else a pattern sets them apart).

use crate::layout::Rgb;
use crate::model::Status;
use crate::templates::DocTemplate;

/// The ratio text needs at this size (WCAG 1.4.3: large text is 18 pt, or 14 pt bold).
fn needed(size: f32, bold: bool) -> f32 {
    if size >= 18.0 || (bold && size >= 14.0) {
        3.0
    } else {
        4.5
    }
}

fn colour(hex: &str) -> Rgb {
    Rgb::parse(hex).unwrap_or_else(|| panic!("couleur « {hex} » illisible"))
}

/// Every (what, text, background, size, bold) the documents draw.
fn text_pairs(t: &DocTemplate) -> Vec<(String, Rgb, Rgb, f32, bool)> {
    let c = &t.colours;
    let s = &t.sizes;
    let (main, text, muted) = (colour(&c.main), colour(&c.text), colour(&c.muted));
    let backgrounds = [
        ("blanc", Rgb::WHITE),
        ("fond_leger", main.tint(c.light_fill)),
        ("fond_objectif", main.tint(c.objective_fill)),
        ("fond_axe", main.tint(c.axis_fill)),
        ("fond_suite", main.tint(c.continuation_fill)),
    ];
    let mut out = Vec::new();
    for (bg, fill) in backgrounds {
        out.push((format!("texte sur {bg}"), text, fill, s.small, false));
        out.push((format!("discret sur {bg}"), muted, fill, s.small, false));
        out.push((format!("principale sur {bg}"), main, fill, s.small, true));
    }
    out.push(("encre sur principale".into(), main.ink(text), main, s.small, true));
    let year = main.tint(c.year_fill);
    out.push(("encre sur fond_annee".into(), year.ink(text), year, s.small, true));
    for (key, hex) in &t.statuses {
        let fill = colour(hex);
        out.push((format!("encre sur le statut {key}"), fill.ink(text), fill, s.small, true));
    }
    out
}

#[test]
fn every_text_of_the_template_reads_at_wcag_aa() {
    let t = DocTemplate::embedded();
    let mut bad = Vec::new();
    for (what, fg, bg, size, bold) in text_pairs(&t) {
        let (r, need) = (fg.contrast(bg), needed(size, bold));
        if r < need {
            bad.push(format!("{what} : {r:.2}:1 < {need}:1"));
        }
    }
    assert!(bad.is_empty(), "{bad:#?}");
    // The pairs the issue measured are among those checked.
    assert!(text_pairs(&t).len() >= 25);
}

#[test]
fn status_colours_and_bars_read_as_graphics() {
    let t = DocTemplate::embedded();
    let keys: Vec<&str> = Status::ALL.iter().map(|s| s.key()).chain(["non_renseigne"]).collect();
    let mut bad = Vec::new();
    for k in &keys {
        let Some(hex) = t.statuses.get(*k) else {
            bad.push(format!("{k} : pas de couleur"));
            continue;
        };
        let r = colour(hex).contrast(Rgb::WHITE);
        if r < 3.0 {
            bad.push(format!("{k} contre le blanc : {r:.2}:1"));
        }
    }
    // Neighbours in the chart's order: 3:1, else one of the two is hatched.
    let hatched = |k: &str| t.patterns.hatches.iter().any(|h| h == k);
    for w in keys.windows(2) {
        let r = colour(&t.statuses[w[0]]).contrast(colour(&t.statuses[w[1]]));
        if r < 3.0 && hatched(w[0]) == hatched(w[1]) {
            bad.push(format!("{} / {} : {r:.2}:1 et même motif", w[0], w[1]));
        }
    }
    // Progress bars: the track's outline and the bar against white.
    for (what, hex) in [("piste", &t.colours.track), ("principale", &t.colours.main)] {
        let r = colour(hex).contrast(Rgb::WHITE);
        if r < 3.0 {
            bad.push(format!("{what} contre le blanc : {r:.2}:1"));
        }
    }
    assert!(bad.is_empty(), "{bad:#?}");
}

#[test]
fn the_issue_measures_match_this_formula() {
    // Figures of issue 12, with the colours of the time: the formula is WCAG's.
    assert!((Rgb::WHITE.contrast(colour("#27AE60")) - 2.87).abs() < 0.05);
    assert!((Rgb::WHITE.contrast(colour("#EB5757")) - 3.48).abs() < 0.05);
    assert!((Rgb::WHITE.contrast(Rgb::BLACK) - 21.0).abs() < 0.01);
    assert!((Rgb::WHITE.contrast(colour("#767676")) - 4.54).abs() < 0.01);
}

#[test]
fn a_light_plan_colour_is_darkened_until_white_text_reads() {
    let light = colour("#9FD3A8");
    let dark = light.darkened_for_white(4.5);
    assert!(dark.contrast(Rgb::WHITE) >= 4.5 && light.contrast(Rgb::WHITE) < 4.5);
    assert_eq!(colour("#1F4E79").darkened_for_white(4.5), colour("#1F4E79"));
}
