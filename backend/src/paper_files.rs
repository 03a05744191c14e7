//! Paper sheets as a workbook: the secretary downloads a template for a council — one worksheet
//! per product, one row per criterion, one column per member who scores it — fills in what the
//! members wrote on paper, and imports it. Each member's column becomes that member's sheet,
//! entered on their behalf (marked as paper, audited under the secretary): submitted when every
//! criterion is filled, a draft otherwise. A column that cannot be read is reported by its sheet
//! and cell and changes nothing; the other columns still go in.
//!
//! Layout of a product's worksheet (A1-style):
//! - A1 "Mã hồ sơ", B1 the dossier id; A2 the product; A3 "Mã thành viên", D3… the member ids;
//! - row 4 headers: criterion code, criterion, options, then each member's name;
//! - from row 5, one criterion per row: for a criterion with options, the option's number as on
//!   the paper (1, 2, 3 … in paper order); for a criterion that asks for a number, the points.

use std::io::Cursor;

use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use domain::{
    council::MemberRole,
    form::{Scale, ScoreForm},
    sheet::{Answer, Answers},
};
use rust_xlsxwriter::{Format, Workbook};
use serde::{Deserialize, Serialize};

use crate::{
    auth::{CurrentUser, RequestMeta},
    councils::{self, Standing},
    db::Db,
    error::{Error, Result},
    form_files::{points_of, text_of, xlsx_err},
    rounds, scoring,
};

/// Largest workbook accepted.
pub const MAX_BYTES: usize = 5 * 1024 * 1024;
const SHEET_HELP: &str = "Hướng dẫn";
const FIRST_ROW: u32 = 4;
const FIRST_MEMBER_COL: u16 = 3;

fn require_keeper(standing: Standing) -> Result<()> {
    if matches!(standing, Standing::Office | Standing::Member(MemberRole::Secretary)) {
        Ok(())
    } else {
        Err(Error::conflict(
            "Chỉ Thư ký hội đồng hoặc văn phòng mới nhập phiếu giấy thay thành viên.",
            "Only the secretary or the office may enter paper sheets for members.",
        ))
    }
}

fn option_list(form: &ScoreForm, code: &str) -> String {
    match form.find_criterion(code).map(|(_, c)| &c.scale) {
        Some(Scale::Options(opts)) => opts
            .iter()
            .enumerate()
            .map(|(i, o)| format!("{}) {} ({} điểm)", i + 1, o.name_vi, o.points.format_vi_compact()))
            .collect::<Vec<_>>()
            .join("\n"),
        Some(Scale::Numeric(r)) => format!("Ghi số điểm từ {} đến {}", r.min.format_vi_compact(), r.max.format_vi_compact()),
        None => String::new(),
    }
}

/// The template for a council's products and the members entitled to score each.
pub async fn template(db: &Db, user: &CurrentUser, council_id: i64) -> Result<(String, Vec<u8>)> {
    let (c, standing) = councils::visible(db, user, council_id).await?;
    require_keeper(standing)?;
    let products = councils::products(db, &c).await?;
    let grid = councils::entitlements_for(db, &c, &products).await?;
    let rs = rounds::rule_set_of(db, &c.round).await?;
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();
    {
        let ws = wb.add_worksheet();
        ws.set_name(SHEET_HELP).map_err(xlsx_err)?;
        ws.set_column_width(0, 110).map_err(xlsx_err)?;
        let lines = [
            format!("Phiếu chấm giấy — {}", c.council.name),
            "Mỗi trang là một sản phẩm; mỗi cột từ cột D là một thành viên được chấm sản phẩm đó.".to_string(),
            "Tiêu chí có phương án: ghi SỐ THỨ TỰ phương án thành viên đã chọn trên phiếu giấy (1, 2, 3…), xem cột C.".to_string(),
            "Tiêu chí nhập số: ghi số điểm (ví dụ 2,5).".to_string(),
            "Cột đủ mọi tiêu chí được nộp thay thành viên; cột còn thiếu được lưu nháp; cột để trống bị bỏ qua.".to_string(),
            "Không đổi tên trang, không thêm/xóa hàng, cột; giữ nguyên mã hồ sơ (ô B1) và mã thành viên (hàng 3).".to_string(),
            "Phiếu nhập từ giấy được đánh dấu và ghi nhật ký dưới tên người nhập. Hãy giữ bản giấy có chữ ký.".to_string(),
        ];
        for (i, l) in lines.iter().enumerate() {
            ws.write_string(u32::try_from(i).unwrap_or(0), 0, l).map_err(xlsx_err)?;
        }
    }
    for p in &products {
        let Some(form) = rs.form_for(&p.group_code) else { continue };
        let members: Vec<_> = c.scorers().filter(|m| grid.get(&(m.id, p.dossier_id)).is_some_and(|e| e.scores())).collect();
        let ws = wb.add_worksheet();
        ws.set_name(format!("HS {}", p.dossier_id)).map_err(xlsx_err)?;
        ws.write_string_with_format(0, 0, "Mã hồ sơ", &bold).map_err(xlsx_err)?;
        ws.write_number(0, 1, p.dossier_id as f64).map_err(xlsx_err)?;
        ws.write_string_with_format(1, 0, format!("{} — {}", p.product_name, p.producer_name), &bold).map_err(xlsx_err)?;
        ws.write_string(2, 0, "Mã thành viên").map_err(xlsx_err)?;
        for (h, title) in ["Mã tiêu chí", "Tiêu chí", "Phương án"].iter().enumerate() {
            ws.write_string_with_format(3, u16::try_from(h).unwrap_or(0), *title, &bold).map_err(xlsx_err)?;
        }
        ws.set_column_width(1, 50).map_err(xlsx_err)?;
        ws.set_column_width(2, 50).map_err(xlsx_err)?;
        for (i, m) in members.iter().enumerate() {
            let col = FIRST_MEMBER_COL + u16::try_from(i).unwrap_or(0);
            ws.write_number(2, col, m.id as f64).map_err(xlsx_err)?;
            ws.write_string_with_format(3, col, &m.full_name, &bold).map_err(xlsx_err)?;
            ws.set_column_width(col, 18).map_err(xlsx_err)?;
        }
        for (i, cr) in form.criteria().enumerate() {
            let row = FIRST_ROW + u32::try_from(i).unwrap_or(0);
            ws.write_string(row, 0, &cr.code).map_err(xlsx_err)?;
            ws.write_string_with_format(row, 1, &cr.name_vi, &wrap).map_err(xlsx_err)?;
            ws.write_string_with_format(row, 2, option_list(form, &cr.code), &wrap).map_err(xlsx_err)?;
        }
    }
    let bytes = wb.save_to_buffer().map_err(xlsx_err)?;
    Ok((format!("phieu-giay-hoi-dong-{council_id}.xlsx"), bytes))
}

/// What an import did, column by column.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct ImportReport {
    /// "product — member: nộp / lưu nháp".
    pub entered: Vec<String>,
    /// What was refused, with the sheet and cell.
    pub refused: Vec<String>,
}

fn cell_name(row: u32, col: u16) -> String {
    let mut c = u32::from(col) + 1;
    let mut letters = String::new();
    while c > 0 {
        let r = (c - 1) % 26;
        letters.insert(0, char::from(b'A' + u8::try_from(r).unwrap_or(0)));
        c = (c - 1) / 26;
    }
    format!("{letters}{}", row + 1)
}

/// Reads the filled template and enters each member's column as their paper sheet.
pub async fn import(db: &Db, user: &CurrentUser, meta: &RequestMeta, council_id: i64, bytes: &[u8]) -> Result<ImportReport> {
    let (c, standing) = councils::visible(db, user, council_id).await?;
    require_keeper(standing)?;
    if bytes.len() > MAX_BYTES {
        return Err(Error::invalid("file", "Tệp quá lớn (tối đa 5 MB).", "The file is too large (at most 5 MB)."));
    }
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.to_vec())).map_err(|_| {
        Error::invalid(
            "file",
            "Tệp không phải bảng tính Excel (.xlsx) đọc được. Hãy dùng tệp mẫu tải về, lưu dưới dạng .xlsx rồi nhập lại.",
            "The file is not a readable Excel workbook (.xlsx). Use the downloaded template, save it as .xlsx and import again.",
        )
    })?;
    let products = councils::products(db, &c).await?;
    let rs = rounds::rule_set_of(db, &c.round).await?;
    let mut report = ImportReport::default();
    let names: Vec<String> = wb.sheet_names().into_iter().filter(|n| n != SHEET_HELP).collect();
    for name in names {
        let Ok(range) = wb.worksheet_range(&name) else { continue };
        let empty = Data::Empty;
        let cell = |r: u32, c: u16| range.get_value((r, u32::from(c))).unwrap_or(&empty);
        let dossier_id = text_of(cell(0, 1)).and_then(|t| t.parse::<i64>().ok());
        let Some(product) = dossier_id.and_then(|id| products.iter().find(|p| p.dossier_id == id)) else {
            report.refused.push(format!("Trang «{name}», ô B1: mã hồ sơ không thuộc hội đồng này."));
            continue;
        };
        let Some(form) = rs.form_for(&product.group_code) else { continue };
        let codes: Vec<String> = form.criteria().map(|c| c.code.clone()).collect();
        // The rows must still be the form's criteria, in order.
        let rows_ok = codes.iter().enumerate().all(|(i, code)| text_of(cell(FIRST_ROW + u32::try_from(i).unwrap_or(0), 0)).as_deref() == Some(code.as_str()));
        if !rows_ok {
            report.refused.push(format!("Trang «{name}»: các hàng tiêu chí (cột A từ hàng 5) đã bị thay đổi; hãy dùng lại tệp mẫu."));
            continue;
        }
        let width = u16::try_from(range.width()).unwrap_or(u16::MAX);
        for col in FIRST_MEMBER_COL..width {
            let Some(member_id) = text_of(cell(2, col)).and_then(|t| t.parse::<i64>().ok()) else { continue };
            let Some(member) = c.members.iter().find(|m| m.id == member_id) else {
                report.refused.push(format!("Trang «{name}», ô {}: mã thành viên không thuộc hội đồng.", cell_name(2, col)));
                continue;
            };
            let mut answers = Answers::new();
            let mut bad = Vec::new();
            for (i, code) in codes.iter().enumerate() {
                let row = FIRST_ROW + u32::try_from(i).unwrap_or(0);
                let d = cell(row, col);
                let Some((_, criterion)) = form.find_criterion(code) else { continue };
                match &criterion.scale {
                    Scale::Options(opts) => match text_of(d) {
                        None => {}
                        Some(t) => match t.parse::<usize>() {
                            Ok(n) if n >= 1 && n <= opts.len() => answers.set(code.clone(), Answer::Option(n - 1)),
                            _ => bad.push(format!("ô {}: «{t}» không phải số thứ tự phương án (1–{})", cell_name(row, col), opts.len())),
                        },
                    },
                    Scale::Numeric(range) => match points_of(d) {
                        Ok(None) => {}
                        Ok(Some(p)) if range.contains(p) && range.on_step(p) => answers.set(code.clone(), Answer::Number(p)),
                        Ok(Some(p)) => bad.push(format!("ô {}: {} nằm ngoài khoảng cho phép", cell_name(row, col), p.format_vi_compact())),
                        Err((vi, _)) => bad.push(format!("ô {}: {vi}", cell_name(row, col))),
                    },
                }
            }
            if !bad.is_empty() {
                report.refused.push(format!("Trang «{name}», {}: {}. Cột này chưa được nhập.", member.full_name, bad.join("; ")));
                continue;
            }
            if answers.is_empty() {
                continue;
            }
            let complete = answers.len() == codes.len();
            let current = scoring::paper_sheet(db, user, member_id, product.dossier_id).await;
            let version = match current {
                Ok((sheet, _, _)) => sheet.version,
                Err(e) => {
                    report.refused.push(format!("{} — {}: {e}", product.product_name, member.full_name));
                    continue;
                }
            };
            match scoring::paper_entry(db, user, meta, member_id, product.dossier_id, version, &answers, &Default::default(), complete).await {
                Ok(_) => report.entered.push(format!(
                    "{} — {}: {}",
                    product.product_name,
                    member.full_name,
                    if complete { "đã nộp thay" } else { "lưu nháp (còn thiếu tiêu chí)" }
                )),
                Err(Error::Conflict(m)) | Err(Error::Invalid { msg: m, .. }) => {
                    report.refused.push(format!("{} — {}: {}", product.product_name, member.full_name, m.vi))
                }
                Err(e) => return Err(e),
            }
        }
    }
    if report.entered.is_empty() && report.refused.is_empty() {
        report.refused.push("Tệp không có cột nào được điền.".into());
    }
    Ok(report)
}
