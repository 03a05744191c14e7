//! A finalised round's results as workbooks for its office (rust_xlsxwriter): the score summary
//! (one row per product: the statistics, the star, the outcome and each member's total), the
//! detailed sheets (one row per product, member and criterion) and the nomination list (danh
//! sách trích ngang) of the products sent up to the next level. Only the sheets finalisation
//! counted (locked) appear, as in the minutes. Also the public catalogue as CSV.

use std::collections::{BTreeMap, HashMap};

use domain::{
    access::AdminLevel,
    council::MemberRole,
    form::Scale,
    points::Points,
    sheet::{self, Answer},
    workflow::round::RoundState,
};
use rust_xlsxwriter::{Format, FormatAlign, Workbook, Worksheet};

use crate::{
    auth::CurrentUser,
    councils::{self, Assigned, Member},
    db::Db,
    error::{Error, Result},
    form_files::xlsx_err,
    producers, rounds,
    rounds::Round,
    scoring::{self, Sheet, StoredResult},
};

/// The workbooks a round exports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoundExport {
    /// Bảng tổng hợp kết quả chấm điểm.
    Summary,
    /// Bảng điểm chi tiết theo thành viên và tiêu chí.
    Detail,
    /// Danh sách trích ngang sản phẩm đề nghị cấp trên.
    Nominations,
}

impl RoundExport {
    /// The name in the download address (`/files/rounds/{id}/export/{slug}.xlsx`).
    pub fn from_slug(slug: &str) -> Option<RoundExport> {
        match slug {
            "summary" => Some(RoundExport::Summary),
            "detail" => Some(RoundExport::Detail),
            "nominations" => Some(RoundExport::Nominations),
            _ => None,
        }
    }

    fn file_stem(self) -> &'static str {
        match self {
            RoundExport::Summary => "tong-hop-ket-qua",
            RoundExport::Detail => "diem-chi-tiet",
            RoundExport::Nominations => "danh-sach-de-nghi",
        }
    }
}

/// One finalised product with what the workbooks print.
struct Row {
    product: Assigned,
    result: StoredResult,
    group_name: String,
    council_name: String,
}

/// Everything the three workbooks are made from.
struct Report {
    round: Round,
    rule_set_name: String,
    rule_set: std::sync::Arc<domain::ruleset::RuleSet>,
    rows: Vec<Row>,
    /// Scoring members by council, in the order of the decision.
    members: BTreeMap<i64, Vec<Member>>,
    /// Locked sheets by (member, dossier).
    sheets: HashMap<(i64, i64), Sheet>,
}

async fn report(db: &Db, user: &CurrentUser, round_id: i64) -> Result<Report> {
    let round = rounds::load(db, round_id).await?;
    if !rounds::may_manage(user, &round) {
        // Outside the round's office the round is not there at all.
        return Err(Error::NotFound);
    }
    if !matches!(round.state, RoundState::Finalised | RoundState::Published | RoundState::Archived) {
        return Err(Error::conflict(
            "Chỉ xuất được bảng kết quả khi kết quả của đợt đã được chốt. Hãy chốt kết quả ở trang đợt trước.",
            "The results can be exported once the round's results are final. Finalise them on the round's page first.",
        ));
    }
    let rs = rounds::rule_set_of(db, &round).await?;
    let results = scoring::results_of_round(db, round.id).await?;
    let mut members = BTreeMap::new();
    let mut council_names = HashMap::new();
    let mut rows = Vec::new();
    for p in councils::round_products(db, round.id).await? {
        let Some(result) = results.get(&p.dossier_id).cloned() else { continue };
        if !members.contains_key(&result.council_id) {
            let c = councils::load(db, result.council_id).await?;
            members.insert(result.council_id, c.scorers().cloned().collect::<Vec<_>>());
            council_names.insert(result.council_id, c.council.name.clone());
        }
        let group_name = rs.product_group(&p.group_code).map_or_else(|| p.group_code.clone(), |g| g.name_vi.clone());
        let council_name = council_names.get(&result.council_id).cloned().unwrap_or_default();
        rows.push(Row { product: p, result, group_name, council_name });
    }
    // Highest mean first (the ranking a council reads), then by name.
    rows.sort_by(|a, b| b.result.mean.cmp(&a.result.mean).then_with(|| a.product.product_name.cmp(&b.product.product_name)));
    let sheets = scoring::locked_sheets_of_round(db, round.id).await?.into_iter().map(|s| ((s.member_id, s.dossier_id), s)).collect();
    Ok(Report { rule_set_name: rs.name_vi.clone(), rule_set: rs, round, rows, members, sheets })
}

/// The workbook `kind` of a finalised round, with its file name.
pub async fn round_export(db: &Db, user: &CurrentUser, round_id: i64, kind: RoundExport) -> Result<(String, Vec<u8>)> {
    let r = report(db, user, round_id).await?;
    // The producers' details first: the workbook is then written without awaiting.
    let mut profiles = HashMap::new();
    if kind == RoundExport::Nominations {
        for p in r.rows.iter().filter(|p| p.result.result.outcome.forward.is_some()) {
            profiles.insert(p.product.producer_id, producers::load(db, p.product.producer_id).await?);
        }
    }
    let mut wb = Workbook::new();
    match kind {
        RoundExport::Summary => summary(&mut wb, &r)?,
        RoundExport::Detail => detail(&mut wb, &r)?,
        RoundExport::Nominations => nominations(&mut wb, &r, &profiles)?,
    }
    let bytes = wb.save_to_buffer().map_err(xlsx_err)?;
    Ok((format!("{}-dot-{}.xlsx", kind.file_stem(), r.round.id), bytes))
}

fn number(p: Points) -> f64 {
    p.hundredths() as f64 / 100.0
}

struct Formats {
    title: Format,
    header: Format,
    wrap: Format,
    points: Format,
}

fn formats() -> Formats {
    Formats {
        title: Format::new().set_bold().set_font_size(13),
        header: Format::new().set_bold().set_text_wrap().set_align(FormatAlign::Center).set_background_color("#E8EEF7").set_border(rust_xlsxwriter::FormatBorder::Thin),
        wrap: Format::new().set_text_wrap(),
        points: Format::new().set_num_format("0.00"),
    }
}

/// The title lines and the header row; returns the first data row.
fn heading(ws: &mut Worksheet, f: &Formats, title: &str, r: &Report, headers: &[(&str, f64)]) -> Result<u32> {
    ws.write_string_with_format(0, 0, format!("{title} — {}", r.round.name), &f.title).map_err(xlsx_err)?;
    ws.write_string(
        1,
        0,
        format!("{} · {} {} · năm {} · {}", r.round.programme.name_vi(), r.round.level.name_vi(), r.round.unit_name, r.round.year, r.rule_set_name),
    )
    .map_err(xlsx_err)?;
    for (col, (name, width)) in headers.iter().enumerate() {
        let col = u16::try_from(col).map_err(|_| Error::Internal("too many columns".into()))?;
        ws.write_string_with_format(3, col, *name, &f.header).map_err(xlsx_err)?;
        ws.set_column_width(col, *width).map_err(xlsx_err)?;
    }
    ws.set_freeze_panes(4, 0).map_err(xlsx_err)?;
    Ok(4)
}

fn stars_text(r: &StoredResult) -> String {
    r.stars.map(|s| format!("{s}★")).unwrap_or_default()
}

fn outcome_text(r: &StoredResult) -> String {
    let o = &r.result.outcome;
    let mut text = o.kind.label_vi().to_string();
    if let Some(reason) = o.not_certified {
        text.push_str(&format!(" ({})", reason.label_vi()));
    }
    text
}

fn forward_text(to: AdminLevel, potential_five_star: bool) -> String {
    if potential_five_star {
        format!("Đề nghị cấp {} đánh giá, công nhận sản phẩm tiềm năng 5 sao", to.name_vi().to_lowercase())
    } else {
        format!("Đề nghị cấp {} đánh giá, công nhận", to.name_vi().to_lowercase())
    }
}

fn summary(wb: &mut Workbook, r: &Report) -> Result<()> {
    let f = formats();
    let ws = wb.add_worksheet();
    ws.set_name("Tổng hợp").map_err(xlsx_err)?;
    let mut headers: Vec<(String, f64)> = [
        ("STT", 5.0),
        ("Mã hồ sơ", 9.0),
        ("Tên sản phẩm", 32.0),
        ("Chủ thể", 28.0),
        ("Nhóm sản phẩm", 24.0),
        ("Hội đồng", 22.0),
        ("Số phiếu tính điểm", 9.0),
        ("Điểm trung bình", 10.0),
        ("Trung vị", 9.0),
        ("Thấp nhất", 9.0),
        ("Cao nhất", 9.0),
        ("Chênh lệch", 9.0),
        ("Độ lệch chuẩn", 9.0),
        ("Hạng sao", 8.0),
        ("Kết quả", 36.0),
    ]
    .into_iter()
    .map(|(n, w)| (n.to_string(), w))
    .collect();
    // One column per scoring member of every council of the round.
    let member_cols: Vec<(i64, &Member)> = r.members.iter().flat_map(|(c, ms)| ms.iter().map(move |m| (*c, m))).collect();
    let several_councils = r.members.len() > 1;
    for (council_id, m) in &member_cols {
        let council = r.rows.iter().find(|row| row.result.council_id == *council_id).map(|row| row.council_name.as_str()).unwrap_or("");
        let name = if several_councils { format!("{} ({}) — {council}", m.full_name, role_vi(m.role)) } else { format!("{} ({})", m.full_name, role_vi(m.role)) };
        headers.push((name, 14.0));
    }
    let header_refs: Vec<(&str, f64)> = headers.iter().map(|(n, w)| (n.as_str(), *w)).collect();
    let mut row = heading(ws, &f, "Bảng tổng hợp kết quả chấm điểm", r, &header_refs)?;
    for (i, p) in r.rows.iter().enumerate() {
        let a = &p.result.result.aggregate;
        ws.write_number(row, 0, (i + 1) as f64).map_err(xlsx_err)?;
        ws.write_number(row, 1, p.product.dossier_id as f64).map_err(xlsx_err)?;
        ws.write_string_with_format(row, 2, &p.product.product_name, &f.wrap).map_err(xlsx_err)?;
        ws.write_string_with_format(row, 3, &p.product.producer_name, &f.wrap).map_err(xlsx_err)?;
        ws.write_string_with_format(row, 4, &p.group_name, &f.wrap).map_err(xlsx_err)?;
        ws.write_string_with_format(row, 5, &p.council_name, &f.wrap).map_err(xlsx_err)?;
        ws.write_number(row, 6, p.result.sheets as f64).map_err(xlsx_err)?;
        ws.write_number_with_format(row, 7, number(p.result.mean), &f.points).map_err(xlsx_err)?;
        ws.write_number_with_format(row, 8, number(a.median.to_hundredths()), &f.points).map_err(xlsx_err)?;
        ws.write_number_with_format(row, 9, number(a.min), &f.points).map_err(xlsx_err)?;
        ws.write_number_with_format(row, 10, number(a.max), &f.points).map_err(xlsx_err)?;
        ws.write_number_with_format(row, 11, number(a.spread), &f.points).map_err(xlsx_err)?;
        ws.write_number_with_format(row, 12, (a.std_dev * 100.0).round() / 100.0, &f.points).map_err(xlsx_err)?;
        if let Some(s) = p.result.stars {
            ws.write_string(row, 13, format!("{s}★")).map_err(xlsx_err)?;
        }
        ws.write_string_with_format(row, 14, outcome_text(&p.result), &f.wrap).map_err(xlsx_err)?;
        for (k, (council_id, m)) in member_cols.iter().enumerate() {
            let col = u16::try_from(15 + k).map_err(|_| Error::Internal("too many members".into()))?;
            if *council_id != p.result.council_id {
                continue;
            }
            if let Some(s) = r.sheets.get(&(m.id, p.product.dossier_id)) {
                ws.write_number_with_format(row, col, number(s.total), &f.points).map_err(xlsx_err)?;
            }
        }
        row += 1;
    }
    if r.rows.is_empty() {
        ws.write_string(row, 0, "Đợt không có sản phẩm nào được chốt kết quả.").map_err(xlsx_err)?;
    }
    Ok(())
}

fn role_vi(role: MemberRole) -> &'static str {
    role.label_vi()
}

fn detail(wb: &mut Workbook, r: &Report) -> Result<()> {
    let f = formats();
    let ws = wb.add_worksheet();
    ws.set_name("Điểm chi tiết").map_err(xlsx_err)?;
    let headers = [
        ("Mã hồ sơ", 9.0),
        ("Tên sản phẩm", 30.0),
        ("Thành viên", 24.0),
        ("Vai trò", 12.0),
        ("Mã tiêu chí", 10.0),
        ("Tiêu chí", 40.0),
        ("Phương án đã chọn", 36.0),
        ("Điểm", 8.0),
        ("Ghi chú", 30.0),
        ("Phiếu giấy", 9.0),
    ];
    let mut row = heading(ws, &f, "Bảng điểm chi tiết", r, &headers)?;
    for p in &r.rows {
        let Some(form) = r.rule_set.form_for(&p.product.group_code) else { continue };
        let members = r.members.get(&p.result.council_id).map(Vec::as_slice).unwrap_or(&[]);
        for m in members {
            let Some(s) = r.sheets.get(&(m.id, p.product.dossier_id)) else { continue };
            for c in form.criteria() {
                ws.write_number(row, 0, p.product.dossier_id as f64).map_err(xlsx_err)?;
                ws.write_string(row, 1, &p.product.product_name).map_err(xlsx_err)?;
                ws.write_string(row, 2, &m.full_name).map_err(xlsx_err)?;
                ws.write_string(row, 3, role_vi(m.role)).map_err(xlsx_err)?;
                ws.write_string(row, 4, &c.code).map_err(xlsx_err)?;
                ws.write_string_with_format(row, 5, &c.name_vi, &f.wrap).map_err(xlsx_err)?;
                if let Some(answer) = s.answers.get(&c.code) {
                    let chosen = match (&c.scale, answer) {
                        (Scale::Options(opts), Answer::Option(i)) => opts.get(i).map(|o| o.name_vi.clone()).unwrap_or_default(),
                        (_, Answer::Number(_)) => "Điểm nhập trực tiếp".to_string(),
                        _ => String::new(),
                    };
                    ws.write_string_with_format(row, 6, chosen, &f.wrap).map_err(xlsx_err)?;
                    if let Ok(points) = sheet::answer_points(c, answer) {
                        ws.write_number_with_format(row, 7, number(points), &f.points).map_err(xlsx_err)?;
                    }
                }
                if let Some(note) = s.notes.get(&c.code).filter(|n| !n.is_empty()) {
                    ws.write_string_with_format(row, 8, note, &f.wrap).map_err(xlsx_err)?;
                }
                if s.on_paper {
                    ws.write_string(row, 9, "Có").map_err(xlsx_err)?;
                }
                row += 1;
            }
        }
    }
    ws.autofilter(3, 0, row.max(4) - 1, 9).map_err(xlsx_err)?;
    Ok(())
}

fn nominations(wb: &mut Workbook, r: &Report, profiles: &HashMap<i64, producers::Profile>) -> Result<()> {
    let f = formats();
    let ws = wb.add_worksheet();
    ws.set_name("Danh sách trích ngang").map_err(xlsx_err)?;
    let headers = [
        ("STT", 5.0),
        ("Tên sản phẩm", 30.0),
        ("Nhóm sản phẩm", 22.0),
        ("Chủ thể", 28.0),
        ("Loại hình", 14.0),
        ("Người đại diện", 22.0),
        ("Địa chỉ", 30.0),
        ("Xã", 18.0),
        ("Điện thoại", 14.0),
        ("Điểm trung bình", 10.0),
        ("Hạng sao", 8.0),
        ("Đề nghị", 40.0),
    ];
    let mut row = heading(ws, &f, "Danh sách trích ngang sản phẩm đề nghị cấp trên", r, &headers)?;
    let mut n = 0;
    for p in &r.rows {
        let Some(fw) = p.result.result.outcome.forward else { continue };
        n += 1;
        let Some(profile) = profiles.get(&p.product.producer_id) else { continue };
        ws.write_number(row, 0, f64::from(n)).map_err(xlsx_err)?;
        ws.write_string_with_format(row, 1, &p.product.product_name, &f.wrap).map_err(xlsx_err)?;
        ws.write_string_with_format(row, 2, &p.group_name, &f.wrap).map_err(xlsx_err)?;
        ws.write_string_with_format(row, 3, &profile.name, &f.wrap).map_err(xlsx_err)?;
        ws.write_string(row, 4, profile.producer_type.name_vi()).map_err(xlsx_err)?;
        let rep = match (&profile.representative, &profile.representative_title) {
            (Some(n), Some(t)) => format!("{n} ({t})"),
            (Some(n), None) => n.clone(),
            _ => String::new(),
        };
        ws.write_string_with_format(row, 5, rep, &f.wrap).map_err(xlsx_err)?;
        ws.write_string_with_format(row, 6, profile.address.clone().unwrap_or_default(), &f.wrap).map_err(xlsx_err)?;
        ws.write_string(row, 7, &profile.commune_name).map_err(xlsx_err)?;
        ws.write_string(row, 8, profile.phone.clone().unwrap_or_default()).map_err(xlsx_err)?;
        ws.write_number_with_format(row, 9, number(p.result.mean), &f.points).map_err(xlsx_err)?;
        ws.write_string(row, 10, stars_text(&p.result)).map_err(xlsx_err)?;
        ws.write_string_with_format(row, 11, forward_text(fw.to, fw.potential_five_star), &f.wrap).map_err(xlsx_err)?;
        row += 1;
    }
    if n == 0 {
        ws.write_string(row, 0, "Không có sản phẩm nào đủ điều kiện đề nghị cấp trên trong đợt này.").map_err(xlsx_err)?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The public catalogue as CSV

/// One CSV field: quoted when it holds a separator, a quote or a line break (RFC 4180); a
/// leading `=`, `+`, `-` or `@` is prefixed with an apostrophe so office software does not run it
/// as a formula.
fn csv_field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) { format!("'{s}") } else { s.to_string() };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// The certified products in force under the public catalogue's filters, as CSV in UTF-8 with a
/// byte-order mark (so spreadsheet software reads the Vietnamese correctly). Only what the public
/// catalogue shows: no scores, no council.
pub async fn catalogue_csv(db: &Db, query: &crate::results::CatalogueQuery, origin: &str) -> Result<(String, Vec<u8>)> {
    let items = crate::results::catalogue_all(db, query).await?;
    let mut out = String::from("\u{feff}");
    let header = [
        "Số giấy chứng nhận",
        "Sản phẩm",
        "Chủ thể",
        "Xã, phường",
        "Địa chỉ",
        "Điện thoại",
        "Thư điện tử",
        "Chương trình",
        "Hạng sao",
        "Danh hiệu",
        "Cấp công nhận",
        "Quyết định số",
        "Ngày quyết định",
        "Có hiệu lực đến",
        "Trang xác minh",
    ];
    out.push_str(&header.join(","));
    out.push_str("\r\n");
    let base = origin.trim_end_matches('/');
    for c in &items {
        let programme = match c.programme {
            domain::access::Programme::Ocop => "OCOP",
            domain::access::Programme::Spcnnttb => "SPCNNT tiêu biểu",
        };
        let row = [
            c.number.clone(),
            c.product_name.clone(),
            c.producer_name.clone(),
            c.commune_name.clone(),
            c.producer_address.clone().unwrap_or_default(),
            c.producer_phone.clone().unwrap_or_default(),
            c.producer_email.clone().unwrap_or_default(),
            programme.to_string(),
            c.stars.map(|s| s.to_string()).unwrap_or_default(),
            c.title_vi.clone().unwrap_or_default(),
            c.unit_name.clone(),
            c.decision_no.clone(),
            domain::text::date_vi(c.decision_date),
            c.valid_until.map(domain::text::date_vi).unwrap_or_default(),
            format!("{base}/verify/{}", c.code),
        ];
        out.push_str(&row.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    Ok((format!("danh-muc-san-pham-{}.csv", crate::rounds::today_vn().format("%Y-%m-%d")), out.into_bytes()))
}

#[cfg(test)]
mod csv_tests {
    use super::csv_field;

    #[test]
    fn fields_are_quoted_and_formulas_defused() {
        assert_eq!(csv_field("Nước mắm"), "Nước mắm");
        assert_eq!(csv_field("Thôn 1, xã Bình Hòa"), "\"Thôn 1, xã Bình Hòa\"");
        assert_eq!(csv_field("Gạo \"ST25\""), "\"Gạo \"\"ST25\"\"\"");
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("-5"), "'-5");
    }
}
