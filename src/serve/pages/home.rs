//! Accueil: choose or drop a plan (and a logo), or download the blank template.

use axum::response::{IntoResponse, Response};

use super::{file_input, html};
use crate::serve::html::Nav;

pub async fn get() -> Response {
    let body = format!(
        "<p>Déposez le classeur de votre plan d'actions (CTG, projet social, PEDT…) : plandoc le contrôle, \
         montre ce qu'il faut corriger et où, puis produit les fiches actions, l'échéancier, le plan annexé à la \
         délibération et l'annexe XLSX.</p>\n\
         <form action=\"/controle\" method=\"post\" enctype=\"multipart/form-data\">\n{}\n{}\n\
         <button type=\"submit\">Contrôler le plan</button>\n</form>\n\
         <h2>Nouveau plan</h2>\n<p>Pas encore de classeur ? <a href=\"/modele\" download>Télécharger le modèle vierge \
         (.xlsx)</a>, le remplir dans votre tableur, puis le déposer ci-dessus.</p>\n\
         <h2>Autres usages</h2>\n<ul><li><a href=\"/evaluation\">Évaluation d'un plan suivi</a> : rapports pour \
         le bilan annuel.</li><li><a href=\"/lot\">Lot</a> : une archive ZIP de plans, tous les documents d'un coup.</li><li><a href=\"/synthese\">Synthèse départementale</a> : les plans suivis d'une archive ZIP réunis en un bilan.</li></ul>",
        file_input(
            "plan",
            "Classeur du plan",
            "Formats acceptés : xlsx, xlsm, xlsb, xls, ods, csv. Vous pouvez aussi le glisser-déposer ici.",
            ".xlsx,.xlsm,.xlsb,.xls,.ods,.csv",
            true
        ),
        file_input("logo", "Logo de la collectivité (facultatif)", "Image PNG ou JPEG, placée en tête de chaque page.", ".png,.jpg,.jpeg", false),
    );
    html("Produire les documents d'un plan d'actions", Nav::Home, body).into_response()
}
