//! The diagnostic codes, declared once: variant, French code, consequence and one-line French
//! summary. `plandoc codes` prints the list, the README's list is that output, and
//! `tests/codes.rs` fails when a declared code is emitted nowhere or the README differs.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::diagnostic::Severity;

/// What a diagnostic does to the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Consequence {
    /// The plan is read but has errors: no document (exit 1).
    Error,
    /// Documents are made; the person is told (exit 0).
    Warning,
    /// The file is not read as a plan at all (exit 2).
    Refusal,
}

impl Consequence {
    pub fn label(self) -> &'static str {
        match self {
            Consequence::Error => "erreur (code 1)",
            Consequence::Warning => "avertissement",
            Consequence::Refusal => "refus (code 2)",
        }
    }

    /// The severity a diagnostic of this consequence carries: a refusal is an error.
    pub fn severity(self) -> Severity {
        match self {
            Consequence::Warning => Severity::Warning,
            Consequence::Error | Consequence::Refusal => Severity::Error,
        }
    }
}

/// The codes, declared once: variant (the code in CamelCase), the stable kebab-case French
/// code written in JSON and reports, its consequence, and what it means.
macro_rules! codes {
    ($($variant:ident => $code:literal, $consequence:ident, $summary:literal;)*) => {
        /// A diagnostic code. Serialized as its French kebab-case string (`as_str`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Code {
            $($variant,)*
        }

        impl Code {
            /// Every code, in the order of the list.
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            /// The stable French code, e.g. "numero-en-double".
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $code,)*
                }
            }

            /// What a diagnostic of this code does to the run.
            pub fn consequence(self) -> Consequence {
                match self {
                    $(Code::$variant => $consequence,)*
                }
            }

            /// One line of French saying what the code means.
            pub fn summary(self) -> &'static str {
                match self {
                    $(Code::$variant => $summary,)*
                }
            }
        }
    };
}

use Consequence::{Error as E, Refusal as R, Warning as W};

// Grouped: the file, the plan's reading, the actions, the follow-up, the run.
codes! {
    FichierIntrouvable => "fichier-introuvable", R, "le fichier nommé n'existe pas";
    FichierIllisible => "fichier-illisible", R, "le fichier ne peut pas être ouvert (droits, dossier…)";
    FormatInconnu => "format-inconnu", R, "ni xlsx, xlsm, xlsb, xls, ods ni CSV";
    FichierProtege => "fichier-protege", R, "classeur chiffré par un mot de passe";
    FichierEndommage => "fichier-endommage", R, "classeur incomplet ou endommagé";
    FichierTropGros => "fichier-trop-gros", R, "fichier au-delà de --taille-max";
    ArchiveSuspecte => "archive-suspecte", R,
        "archive qui se décompresse au-delà des limites (bombe zip, texte démesuré)";
    FeuilleTropGrande => "feuille-trop-grande", R, "feuille au-delà du nombre de cellules lues";
    LectureAbandonnee => "lecture-abandonnee", R, "lecture arrêtée par le rempart de temps ou de mémoire";
    AucunPlan => "aucun-plan", R,
        "aucune feuille ne porte un plan d'actions, ou le tableau n'en a pas l'air (indice de plan sous 30)";
    ModelesInvalides => "modeles-invalides", R, "dossier --modeles inutilisable";
    LigneDeCommande => "ligne-de-commande", R, "ligne de commande fausse";
    ConfigIllisible => "config-illisible", E, "plandoc.toml illisible (dossier, pas du texte UTF-8)";
    ConfigInvalide => "config-invalide", E, "plandoc.toml : clé inconnue ou valeur fausse, avec sa ligne";
    ColonnesConfig => "colonnes-config", W, "une correction de colonne de plandoc.toml ne s'applique pas";
    ColonnesFeuille => "colonnes-feuille", W, "une ligne de la feuille « Colonnes » ne s'applique pas";
    PlanDouteux => "plan-douteux", W, "--forcer : tableau lu comme un plan bien qu'il n'en ait pas l'air";
    NiveauValeursIgnorees => "niveau-valeurs-ignorees", W,
        "--forcer : des niveaux d'un référentiel numéroté portent des valeurs qu'un niveau ne garde pas";
    ColonneTitreDouteuse => "colonne-titre-douteuse", W,
        "la colonne des intitulés contient des doublons ou des booléens";
    MetadonneeManquante => "metadonnee-manquante", W,
        "les documents ne porteront pas de collectivité ou de titre de plan (check)";
    EncodageMixte => "encodage-mixte", W, "CSV en UTF-8 dont des lignes sont en Windows-1252 (lignes nommées)";
    MetadonneeInvalide => "metadonnee-invalide", E, "valeur de la feuille « Convention » illisible (année, date…)";
    PeriodeInvalide => "periode-invalide", E, "la première année du plan vient après la dernière";
    NiveauVideIncertain => "niveau-vide-incertain", W,
        "cellule de niveau vide que la feuille ne permet pas de lire sûrement";
    ErreurFormule => "erreur-formule", E, "cellule d'erreur de formule (#REF!, #N/A…)";
    CaracteresControle => "caracteres-controle", W, "caractères de contrôle retirés d'une cellule";
    CaractereNonImprimable => "caractere-non-imprimable", W, "caractère qu'aucune police embarquée ne dessine";
    TexteTronque => "texte-tronque", W,
        "texte coupé à la limite d'Excel (32 767 caractères), à la lecture ou dans l'annexe";
    AucuneAction => "aucune-action", E, "le plan ne contient aucune action";
    TitreManquant => "titre-manquant", E, "action sans intitulé";
    NumeroIllisible => "numero-illisible", E, "numéro d'action illisible";
    NumeroEnDouble => "numero-en-double", E, "deux actions ont le même numéro (la première est citée)";
    PrioriteInconnue => "priorite-inconnue", E, "priorité hors du vocabulaire";
    StatutInconnu => "statut-inconnu", E, "statut hors du vocabulaire";
    AvancementIllisible => "avancement-illisible", E, "avancement qui n'est pas un nombre ou un pourcentage";
    AvancementAmbigu => "avancement-ambigu", W,
        "avancement entre 0 et 1 lu en pourcentage (0,1 → 0,1 %) parce que la colonne compte en pourcentages";
    AnneeHorsPeriode => "annee-hors-periode", E, "année d'action hors de la période du plan";
    ActionSansAnnee => "action-sans-annee", W, "action sans aucune année de mise en œuvre";
    CalendrierIllisible => "calendrier-illisible", W, "calendrier ou date d'action illisible";
    BudgetTotalIncoherent => "budget-total-incoherent", W, "le total du budget diffère de la somme de ses lignes";
    TexteTropLong => "texte-trop-long", W, "texte trop long pour tenir sur une seule page de fiche";
    AxeVide => "axe-vide", W, "axe sans action";
    ObjectifVide => "objectif-vide", W, "objectif sans action";
    IndicateursSansEntete => "indicateurs-sans-entete", W, "feuille d'indicateurs sans en-tête reconnu : ignorée";
    IndicateurActionIllisible => "indicateur-action-illisible", E, "numéro d'action d'un indicateur illisible";
    IndicateurActionInconnue => "indicateur-action-inconnue", E, "indicateur rattaché à une action absente du plan";
    IndicateurValeurIllisible => "indicateur-valeur-illisible", E, "valeur d'indicateur qui n'est pas un nombre";
    EnTeteRaccourci => "en-tete-raccourci", W,
        "en-tête d'impression de l'annexe raccourci à la limite d'Excel (255 caractères)";
    LogoIllisible => "logo-illisible", W, "logo introuvable, illisible ou trop grand : documents sans logo";
    VersionsDifferentes => "versions-differentes", E,
        "--depuis : les deux fichiers ne sont pas des versions d'un même plan";
}

impl Code {
    /// The code written `s`, if plandoc knows it.
    pub fn parse(s: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|c| c.as_str() == s)
    }

    /// The severity of a diagnostic of this code.
    pub fn severity(self) -> Severity {
        self.consequence().severity()
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Code {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Code, D::Error> {
        let s = String::deserialize(d)?;
        Code::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("code inconnu : « {s} »")))
    }
}

/// The Markdown table printed by `plandoc codes` and kept in the README.
pub fn markdown_table() -> String {
    let mut out = String::from("| code | conséquence | signification |\n|---|---|---|\n");
    for c in Code::ALL {
        out.push_str(&format!("| `{}` | {} | {} |\n", c.as_str(), c.consequence().label(), c.summary()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_kebab_case_and_named_by_their_variant() {
        let mut seen = std::collections::BTreeSet::new();
        for c in Code::ALL {
            let s = c.as_str();
            assert!(seen.insert(s), "{s} twice");
            assert!(s.split('-').all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase())), "{s}");
            assert!(!c.summary().is_empty() && !c.summary().ends_with('.'), "{s}");
            let camel: String = s.split('-').map(|p| p[..1].to_ascii_uppercase() + &p[1..]).collect();
            assert_eq!(format!("{c:?}"), camel, "tests/codes.rs finds a code's uses by its variant");
        }
    }

    #[test]
    fn the_table_has_one_row_per_code_and_codes_read_back() {
        assert_eq!(markdown_table().lines().count(), Code::ALL.len() + 2);
        assert_eq!(Code::parse("aucun-plan").map(Code::consequence), Some(Consequence::Refusal));
        assert_eq!(Code::AucunPlan.severity(), Severity::Error);
        assert_eq!(Code::LogoIllisible.severity(), Severity::Warning);
        assert!(Code::parse("inconnu-ici").is_none());
        let json = serde_json::to_string(&Code::NumeroEnDouble).unwrap();
        assert_eq!(json, "\"numero-en-double\"");
        assert_eq!(serde_json::from_str::<Code>(&json).unwrap(), Code::NumeroEnDouble);
        assert!(serde_json::from_str::<Code>("\"inconnu-ici\"").is_err());
    }
}
