//! The plan at the size bound (issue 21), shared by tests and benches.

/// A CSV plan of `n` actions, each about a kilobyte of text, in axes of 1,000.
pub fn big_csv(n: usize) -> String {
    let mut s = String::from("Axe;N°;Action;Description;Pilote;Partenaires;Calendrier;Statut\n");
    let words = "accompagner les familles et les jeunes du territoire avec les partenaires du réseau local ";
    for i in 0..n {
        s.push_str(&format!(
            "Axe {};{};Action {i} {};\"{}\";Service {};CAF;2025-2026;En cours\n",
            i / 1000 + 1,
            i + 1,
            &words[..40],
            words.repeat(10),
            i % 7
        ));
    }
    s
}
