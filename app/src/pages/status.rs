//! Labels for the states and codes the dossier and round pages show, in the reader's language.

use domain::workflow::{
    dossier::{DossierAction, DossierState, RegistrationType},
    round::RoundState,
};

use crate::i18n::Lang;

pub fn dossier_state_label(code: &str, lang: Lang) -> String {
    DossierState::from_code(code).map(|s| lang.pick(s.label_vi(), s.label_en()).to_string()).unwrap_or_else(|| code.to_string())
}

pub fn round_state_label(s: RoundState, lang: Lang) -> &'static str {
    lang.pick(s.label_vi(), s.label_en())
}

pub fn registration_type_label(code: &str, lang: Lang) -> String {
    RegistrationType::from_code(code).map(|s| lang.pick(s.label_vi(), s.label_en()).to_string()).unwrap_or_else(|| code.to_string())
}

pub fn dossier_action_label(a: DossierAction, lang: Lang) -> &'static str {
    lang.pick(a.label_vi(), a.label_en())
}

/// A CSS class per dossier state, so lists can be scanned by colour as well as by text.
pub fn state_class(code: &str) -> &'static str {
    match code {
        "accepted" | "commune_confirmed" => "state state-ok",
        "rejected" | "withdrawn" | "returned_by_commune" => "state state-bad",
        "supplement_requested" => "state state-warn",
        "draft" => "state state-draft",
        _ => "state state-wait",
    }
}

/// What the producer should do next, for a dossier in `code`.
pub fn producer_next_step(code: &str, lang: Lang) -> &'static str {
    match code {
        "draft" => lang.pick("Tải đủ tài liệu, đánh dấu cam kết rồi bấm «Nộp hồ sơ».", "Upload the documents, tick the declaration and press \"Submit\"."),
        "returned_by_commune" => lang.pick("UBND xã trả lại hồ sơ: sửa theo lý do rồi nộp lại.", "The commune returned it: fix what it says and submit again."),
        "supplement_requested" => lang.pick("Văn phòng yêu cầu bổ sung: tải lên tài liệu được yêu cầu trước hạn rồi bấm «Nộp bổ sung».", "The office asks for more: upload the requested documents before the deadline, then press \"Send the supplement\"."),
        "submitted" | "supplemented" | "commune_confirmed" => lang.pick("Đang chờ kiểm tra. Bạn sẽ nhận thông báo khi có kết quả.", "Waiting for review. You will be notified."),
        "accepted" => lang.pick("Hồ sơ hợp lệ, sản phẩm sẽ được hội đồng đánh giá.", "Accepted: the council will evaluate the product."),
        "rejected" => lang.pick("Hồ sơ không hợp lệ. Xem lý do trong lịch sử hồ sơ.", "Rejected. See the reason in the timeline."),
        _ => "",
    }
}
