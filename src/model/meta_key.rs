//! Plan metadata keys, declared once: the `[plan]` key of plandoc.toml and of the web
//! form, the label of the Convention and Informations sheets, the words a sheet may use
//! for it, and the kind of value it takes.

use std::ops::RangeInclusive;

/// A piece of the plan's metadata.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MetaKey {
    Territory,
    Kind,
    Title,
    FirstYear,
    LastYear,
    Signatories,
    Deliberation,
    DeliberationDate,
    Annex,
    Siren,
    Department,
    Logo,
    Colour,
}

/// The kind of value a key takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetaForm {
    Text,
    Year,
    List,
}

/// Years a plan may plausibly name (the same range wherever a year is read).
pub const PLAUSIBLE_YEARS: RangeInclusive<i32> = 1990..=2100;

struct Decl {
    key: MetaKey,
    /// Key of `[plan]` in plandoc.toml and field of the web form.
    toml: &'static str,
    /// Label of the Convention and Informations sheets.
    label: &'static str,
    form: MetaForm,
    /// What a metadata sheet may call it, folded (`text::fold_words`).
    words: &'static [&'static str],
}

const DECLS: [Decl; 13] = [
    Decl {
        key: MetaKey::Territory,
        toml: "collectivite",
        label: "Collectivité",
        form: MetaForm::Text,
        words: &[
            "collectivite",
            "territoire",
            "commune",
            "intercommunalite",
            "structure",
            "nom de la collectivite",
            "collectivite signataire",
        ],
    },
    Decl {
        key: MetaKey::Kind,
        toml: "type",
        label: "Type de plan",
        form: MetaForm::Text,
        words: &["type", "type de plan", "dispositif", "nature", "type de document"],
    },
    Decl {
        key: MetaKey::Title,
        toml: "titre",
        label: "Titre",
        form: MetaForm::Text,
        words: &["titre", "intitule", "titre du plan", "nom du plan"],
    },
    Decl {
        key: MetaKey::FirstYear,
        toml: "premiere_annee",
        label: "Première année",
        form: MetaForm::Year,
        words: &["premiere annee", "annee de debut", "debut", "annee debut"],
    },
    Decl {
        key: MetaKey::LastYear,
        toml: "derniere_annee",
        label: "Dernière année",
        form: MetaForm::Year,
        words: &["derniere annee", "annee de fin", "fin", "annee fin"],
    },
    Decl {
        key: MetaKey::Signatories,
        toml: "signataires",
        label: "Signataires",
        form: MetaForm::List,
        words: &["signataires", "signataire", "partenaires signataires"],
    },
    Decl {
        key: MetaKey::Deliberation,
        toml: "deliberation",
        label: "N° de délibération",
        form: MetaForm::Text,
        words: &[
            "deliberation",
            "no de deliberation",
            "numero de deliberation",
            "no deliberation",
            "reference de la deliberation",
        ],
    },
    Decl {
        key: MetaKey::DeliberationDate,
        toml: "date_deliberation",
        label: "Date de délibération",
        form: MetaForm::Text,
        words: &["date de deliberation", "date de la deliberation", "date deliberation", "date"],
    },
    Decl {
        key: MetaKey::Annex,
        toml: "annexe",
        label: "N° d'annexe",
        form: MetaForm::Text,
        words: &["annexe", "no d annexe", "numero d annexe", "no annexe", "no de l annexe"],
    },
    Decl {
        key: MetaKey::Siren,
        toml: "siren",
        label: "SIREN",
        form: MetaForm::Text,
        words: &["siren", "no siren", "numero siren"],
    },
    Decl {
        key: MetaKey::Department,
        toml: "departement",
        label: "Département",
        form: MetaForm::Text,
        words: &["departement", "code departement", "no de departement"],
    },
    Decl { key: MetaKey::Logo, toml: "logo", label: "Logo", form: MetaForm::Text, words: &["logo"] },
    Decl {
        key: MetaKey::Colour,
        toml: "couleur",
        label: "Couleur principale",
        form: MetaForm::Text,
        words: &["couleur", "couleur principale"],
    },
];

impl MetaKey {
    /// Every key, in the order the Convention and Informations sheets list them.
    pub fn all() -> impl Iterator<Item = MetaKey> {
        DECLS.iter().map(|d| d.key)
    }

    fn decl(self) -> &'static Decl {
        // DECLS lists every key once, in declaration order.
        &DECLS[self as usize]
    }

    /// Key of `[plan]` in plandoc.toml, and field name of the web form.
    pub fn toml_key(self) -> &'static str {
        self.decl().toml
    }

    /// Label of the Convention and Informations sheets.
    pub fn label(self) -> &'static str {
        self.decl().label
    }

    pub fn form(self) -> MetaForm {
        self.decl().form
    }

    /// The key of a `[plan]` key of plandoc.toml.
    pub fn from_toml_key(key: &str) -> Option<MetaKey> {
        DECLS.iter().find(|d| d.toml == key).map(|d| d.key)
    }

    /// The key a metadata sheet's label names ("N° de délibération", "Date").
    pub fn from_label(label: &str) -> Option<MetaKey> {
        let f = crate::text::fold_words(label);
        DECLS.iter().find(|d| d.words.contains(&f.as_str())).map(|d| d.key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_once_in_order() {
        for (i, d) in DECLS.iter().enumerate() {
            assert_eq!(d.key as usize, i, "{:?}", d.key);
            assert_eq!(MetaKey::from_toml_key(d.toml), Some(d.key));
        }
    }

    #[test]
    fn every_label_reads_back() {
        for k in MetaKey::all() {
            assert_eq!(MetaKey::from_label(k.label()), Some(k), "{}", k.label());
        }
    }

    #[test]
    fn no_word_names_two_keys() {
        let mut words: Vec<&str> = DECLS.iter().flat_map(|d| d.words.iter().copied()).collect();
        let n = words.len();
        words.sort_unstable();
        words.dedup();
        assert_eq!(words.len(), n);
    }
}
