//! A score form as a file: TOML (the format of `seeds/rulesets/`) and XLSX (a workbook an office
//! fills from the official PDF; layout in `seeds/rulesets/README.md`). Export then import gives
//! back the same form. Import errors name the sheet, row and cell, in Vietnamese and English.
//!
//! Server only: the XLSX crates stay out of the WebAssembly bundle.

use std::io::Cursor;

use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use domain::{
    form::{CriteriaGroup, Criterion, MandatoryMinimum, NumericRange, Part, Scale, ScoreForm, ScoreOption},
    Points,
};
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use crate::error::{Error, Result};

/// The sheet with the form's own fields (code, name, source…), one per row.
pub const SHEET_FORM: &str = "Phiếu";
/// The sheet with parts, groups, criteria and options, one per row in paper order.
pub const SHEET_CRITERIA: &str = "Tiêu chí";
/// A sheet that explains the layout; ignored on import.
pub const SHEET_HELP: &str = "Hướng dẫn";

/// Largest file accepted for import.
pub const MAX_IMPORT_BYTES: usize = 1024 * 1024;

/// Column headers of [`SHEET_CRITERIA`], A to I.
const CRITERIA_HEADERS: [&str; 9] = [
    "Loại (Phần / Nhóm / Tiêu chí / Phương án)",
    "Mã",
    "Tên (tiếng Việt)",
    "Tên (tiếng Anh)",
    "Điểm (tối đa, hoặc của phương án)",
    "Hướng dẫn (tiếng Việt)",
    "Hướng dẫn (tiếng Anh)",
    "Bắt buộc (hạng sao:tối thiểu; …)",
    "Nhập số (từ-đến/bước)",
];

/// The keys of [`SHEET_FORM`], column A, with their explanation (column C).
const FORM_KEYS: [(&str, &str); 10] = [
    ("code", "Mã phiếu (chữ không dấu, số, - . _)"),
    ("version", "Phiên bản (số nguyên; hệ thống tự đánh số khi nhập)"),
    ("name_vi", "Tên phiếu (tiếng Việt)"),
    ("name_en", "Tên phiếu (tiếng Anh, có thể để trống)"),
    ("official", "Phiếu chính thức? \"có\" nếu chép đúng từ phụ lục của văn bản; \"không\" cho mẫu minh họa"),
    ("source", "Nguồn: văn bản, phụ lục, trang"),
    ("applies_to", "Mã các nhóm/phân nhóm sản phẩm áp dụng, cách nhau bằng dấu phẩy"),
    ("total", "Tổng điểm của phiếu (100)"),
    ("help_vi", "Hướng dẫn chung (tiếng Việt, có thể để trống)"),
    ("help_en", "Hướng dẫn chung (tiếng Anh, có thể để trống)"),
];

// ---------------------------------------------------------------------------------------------
// Export.

fn plain(p: Points) -> String {
    let h = p.hundredths();
    if h % 100 == 0 {
        (h / 100).to_string()
    } else {
        let sign = if h < 0 { "-" } else { "" };
        format!("{sign}{}.{:02}", h.abs() / 100, h.abs() % 100)
    }
}

#[allow(clippy::cast_precision_loss)]
fn number(p: Points) -> f64 {
    p.hundredths() as f64 / 100.0
}

pub(crate) fn xlsx_err(e: XlsxError) -> Error {
    Error::Internal(format!("xlsx: {e}"))
}

fn put_text(ws: &mut Worksheet, row: u32, col: u16, text: Option<&str>) -> Result<()> {
    if let Some(t) = text.filter(|t| !t.is_empty()) {
        ws.write_string(row, col, t).map_err(xlsx_err)?;
    }
    Ok(())
}

/// The form as an XLSX workbook (sheets [`SHEET_FORM`], [`SHEET_CRITERIA`], [`SHEET_HELP`]).
pub fn to_xlsx(form: &ScoreForm) -> Result<Vec<u8>> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    {
        let ws = wb.add_worksheet();
        ws.set_name(SHEET_FORM).map_err(xlsx_err)?;
        ws.write_string_with_format(0, 0, "Trường", &bold).map_err(xlsx_err)?;
        ws.write_string_with_format(0, 1, "Giá trị", &bold).map_err(xlsx_err)?;
        ws.write_string_with_format(0, 2, "Ghi chú", &bold).map_err(xlsx_err)?;
        ws.set_column_width(0, 14).map_err(xlsx_err)?;
        ws.set_column_width(1, 60).map_err(xlsx_err)?;
        ws.set_column_width(2, 60).map_err(xlsx_err)?;
        let applies = form.applies_to.join(", ");
        let official = if form.official { "có" } else { "không" };
        for (i, (key, note)) in FORM_KEYS.iter().enumerate() {
            let row = u32::try_from(i + 1).map_err(|e| Error::Internal(e.to_string()))?;
            ws.write_string(row, 0, *key).map_err(xlsx_err)?;
            ws.write_string(row, 2, *note).map_err(xlsx_err)?;
            match *key {
                "code" => put_text(ws, row, 1, Some(&form.code))?,
                "version" => {
                    ws.write_number(row, 1, f64::from(form.version)).map_err(xlsx_err)?;
                }
                "name_vi" => put_text(ws, row, 1, Some(&form.name_vi))?,
                "name_en" => put_text(ws, row, 1, form.name_en.as_deref())?,
                "official" => put_text(ws, row, 1, Some(official))?,
                "source" => put_text(ws, row, 1, Some(&form.source))?,
                "applies_to" => put_text(ws, row, 1, Some(&applies))?,
                "total" => {
                    ws.write_number(row, 1, number(form.total)).map_err(xlsx_err)?;
                }
                "help_vi" => put_text(ws, row, 1, form.help_vi.as_deref())?,
                _ => put_text(ws, row, 1, form.help_en.as_deref())?,
            }
        }
    }
    {
        let ws = wb.add_worksheet();
        ws.set_name(SHEET_CRITERIA).map_err(xlsx_err)?;
        for (c, h) in CRITERIA_HEADERS.iter().enumerate() {
            let col = u16::try_from(c).map_err(|e| Error::Internal(e.to_string()))?;
            ws.write_string_with_format(0, col, *h, &bold).map_err(xlsx_err)?;
        }
        for (col, width) in [(0u16, 12.0), (1, 10.0), (2, 50.0), (3, 40.0), (4, 10.0), (5, 40.0), (6, 30.0), (7, 18.0), (8, 14.0)] {
            ws.set_column_width(col, width).map_err(xlsx_err)?;
        }
        ws.set_freeze_panes(1, 0).map_err(xlsx_err)?;
        let mut row = 1u32;
        for part in &form.parts {
            ws.write_string_with_format(row, 0, "Phần", &bold).map_err(xlsx_err)?;
            put_text(ws, row, 1, Some(&part.code))?;
            put_text(ws, row, 2, Some(&part.name_vi))?;
            put_text(ws, row, 3, part.name_en.as_deref())?;
            ws.write_number(row, 4, number(part.max)).map_err(xlsx_err)?;
            put_text(ws, row, 5, part.help_vi.as_deref())?;
            put_text(ws, row, 6, part.help_en.as_deref())?;
            row += 1;
            for group in &part.groups {
                ws.write_string(row, 0, "Nhóm").map_err(xlsx_err)?;
                put_text(ws, row, 1, Some(&group.code))?;
                put_text(ws, row, 2, Some(&group.name_vi))?;
                put_text(ws, row, 3, group.name_en.as_deref())?;
                put_text(ws, row, 5, group.help_vi.as_deref())?;
                put_text(ws, row, 6, group.help_en.as_deref())?;
                row += 1;
                for c in &group.criteria {
                    ws.write_string(row, 0, "Tiêu chí").map_err(xlsx_err)?;
                    put_text(ws, row, 1, Some(&c.code))?;
                    put_text(ws, row, 2, Some(&c.name_vi))?;
                    put_text(ws, row, 3, c.name_en.as_deref())?;
                    ws.write_number(row, 4, number(c.max)).map_err(xlsx_err)?;
                    put_text(ws, row, 5, c.help_vi.as_deref())?;
                    put_text(ws, row, 6, c.help_en.as_deref())?;
                    let mandatory =
                        c.mandatory.iter().map(|m| format!("{}:{}", m.stars, plain(m.min))).collect::<Vec<_>>().join("; ");
                    put_text(ws, row, 7, Some(&mandatory))?;
                    match &c.scale {
                        Scale::Numeric(r) => {
                            put_text(ws, row, 8, Some(&format!("{}-{}/{}", plain(r.min), plain(r.max), plain(r.step))))?;
                            row += 1;
                        }
                        Scale::Options(options) => {
                            row += 1;
                            for o in options {
                                ws.write_string(row, 0, "Phương án").map_err(xlsx_err)?;
                                put_text(ws, row, 2, Some(&o.name_vi))?;
                                put_text(ws, row, 3, o.name_en.as_deref())?;
                                ws.write_number(row, 4, number(o.points)).map_err(xlsx_err)?;
                                put_text(ws, row, 5, o.help_vi.as_deref())?;
                                row += 1;
                            }
                        }
                    }
                }
            }
        }
    }
    {
        let ws = wb.add_worksheet();
        ws.set_name(SHEET_HELP).map_err(xlsx_err)?;
        ws.set_column_width(0, 120).map_err(xlsx_err)?;
        for (i, line) in HELP_LINES.iter().enumerate() {
            let row = u32::try_from(i).map_err(|e| Error::Internal(e.to_string()))?;
            ws.write_string(row, 0, *line).map_err(xlsx_err)?;
        }
    }
    wb.save_to_buffer().map_err(xlsx_err)
}

const HELP_LINES: [&str; 12] = [
    "Cách điền tệp phiếu đánh giá cho binhchon (xem thêm seeds/rulesets/README.md).",
    "Trang 'Phiếu': cột A là tên trường (không sửa), cột B là giá trị, cột C là ghi chú.",
    "Trang 'Tiêu chí': mỗi dòng là một phần, một nhóm tiêu chí, một tiêu chí hoặc một phương án, theo đúng thứ tự trên phiếu giấy.",
    "Cột A (Loại): Phần, Nhóm, Tiêu chí hoặc Phương án. Một nhóm thuộc phần ở trên nó; một tiêu chí thuộc nhóm ở trên nó; một phương án thuộc tiêu chí ở trên nó.",
    "Cột B (Mã): mã của phần (A), nhóm (A1), tiêu chí (A1.1); để trống ở dòng phương án. Mã không được trùng trong cả phiếu.",
    "Cột C, D: tên tiếng Việt (bắt buộc) và tiếng Anh (có thể để trống).",
    "Cột E (Điểm): điểm tối đa của phần hoặc tiêu chí; điểm của phương án. Nhóm không cần điểm (tự cộng từ các tiêu chí). Tối đa hai chữ số thập phân.",
    "Cột F, G: hướng dẫn chấm (có thể để trống).",
    "Cột H (Bắt buộc): chỉ cho tiêu chí bắt buộc (*), dạng hạng-sao:điểm-tối-thiểu, cách nhau bằng dấu chấm phẩy, ví dụ 3:1; 4:2.",
    "Cột I (Nhập số): chỉ cho tiêu chí mà giám khảo nhập số điểm thay vì chọn phương án, dạng từ-đến/bước, ví dụ 0-40/0.01.",
    "Phiếu hợp lệ khi: phương án cao nhất của mỗi tiêu chí bằng điểm tối đa; các tiêu chí cộng lại bằng điểm tối đa của phần; các phần cộng lại bằng tổng điểm.",
    "Trang này được bỏ qua khi nhập.",
];

// ---------------------------------------------------------------------------------------------
// Import.

/// One problem at a cell, in both languages.
struct CellError {
    vi: String,
    en: String,
}

fn col_name(col: u32) -> String {
    let mut n = col + 1;
    let mut s = String::new();
    while n > 0 {
        let r = (n - 1) % 26;
        s.insert(0, char::from(b'A' + u8::try_from(r).unwrap_or(0)));
        n = (n - 1) / 26;
    }
    s
}

/// "Trang 'Tiêu chí', dòng 12, ô E12: …"
fn at(sheet: &str, row: u32, col: u32, vi: impl AsRef<str>, en: impl AsRef<str>) -> CellError {
    let cell = format!("{}{}", col_name(col), row + 1);
    CellError {
        vi: format!("Trang '{sheet}', dòng {}, ô {cell}: {}", row + 1, vi.as_ref()),
        en: format!("Sheet '{sheet}', row {}, cell {cell}: {}", row + 1, en.as_ref()),
    }
}

fn refuse(errors: Vec<CellError>) -> Error {
    const SHOWN: usize = 15;
    let more = errors.len().saturating_sub(SHOWN);
    let mut vi = errors.iter().take(SHOWN).map(|e| e.vi.clone()).collect::<Vec<_>>().join("; ");
    let mut en = errors.iter().take(SHOWN).map(|e| e.en.clone()).collect::<Vec<_>>().join("; ");
    if more > 0 {
        vi.push_str(&format!("; và {more} lỗi khác"));
        en.push_str(&format!("; and {more} more"));
    }
    Error::invalid(
        "file",
        format!("Chưa nhập được tệp, không có gì thay đổi. {vi}. Hãy sửa các ô này rồi nhập lại."),
        format!("The file was not imported; nothing changed. {en}. Correct these cells and import again."),
    )
}

pub(crate) fn text_of(d: &Data) -> Option<String> {
    match d {
        Data::Empty => None,
        Data::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        Data::Int(i) => Some(i.to_string()),
        #[allow(clippy::cast_possible_truncation)]
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => Some((*f as i64).to_string()),
        Data::Float(f) => Some(f.to_string()),
        Data::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

#[allow(clippy::cast_possible_truncation)]
pub(crate) fn points_of(d: &Data) -> std::result::Result<Option<Points>, (String, String)> {
    match d {
        Data::Empty => Ok(None),
        Data::Int(i) => Ok(Some(Points::from_whole(*i))),
        Data::Float(f) => {
            let h = (f * 100.0).round();
            if !f.is_finite() || h.abs() > 1e12 {
                Err(("số điểm quá lớn".into(), "the number is too large".into()))
            } else if ((f * 100.0) - h).abs() > 1e-6 {
                Err((format!("{f} có quá hai chữ số thập phân"), format!("{f} has more than two decimals")))
            } else {
                Ok(Some(Points::from_hundredths(h as i64)))
            }
        }
        Data::String(s) if s.trim().is_empty() => Ok(None),
        Data::String(s) => Points::parse(s)
            .map(Some)
            .map_err(|_| (format!("«{}» không phải số điểm (ví dụ 5 hoặc 2,5)", s.trim()), format!("“{}” is not a number of points (e.g. 5 or 2.5)", s.trim()))),
        _ => Err(("ô phải chứa một số điểm".into(), "the cell must hold a number of points".into())),
    }
}

/// Folds a row kind to a plain keyword: "Tiêu chí", "tieu chi", "criterion" → "criterion".
fn kind_of(s: &str) -> Option<&'static str> {
    match domain::text::search_key(s).as_str() {
        "phan" | "part" => Some("part"),
        "nhom" | "nhom tieu chi" | "group" => Some("group"),
        "tieu chi" | "criterion" => Some("criterion"),
        "phuong an" | "option" => Some("option"),
        _ => None,
    }
}

fn parse_mandatory(s: &str) -> std::result::Result<Vec<MandatoryMinimum>, (String, String)> {
    let mut out = Vec::new();
    for item in s.split(';').map(str::trim).filter(|i| !i.is_empty()) {
        let bad = || {
            (
                format!("«{item}» phải có dạng hạng-sao:điểm-tối-thiểu, ví dụ 3:1"),
                format!("“{item}” must read stars:minimum, e.g. 3:1"),
            )
        };
        let (stars, min) = item.split_once(':').ok_or_else(bad)?;
        let stars: u8 = stars.trim().parse().map_err(|_| bad())?;
        let min = Points::parse(min).map_err(|_| bad())?;
        out.push(MandatoryMinimum { stars, min });
    }
    Ok(out)
}

fn parse_numeric(s: &str) -> std::result::Result<NumericRange, (String, String)> {
    let bad = || {
        (
            format!("«{}» phải có dạng từ-đến/bước, ví dụ 0-40/0.01", s.trim()),
            format!("“{}” must read from-to/step, e.g. 0-40/0.01", s.trim()),
        )
    };
    let (range, step) = s.split_once('/').ok_or_else(bad)?;
    let (min, max) = range.split_once('-').ok_or_else(bad)?;
    Ok(NumericRange {
        min: Points::parse(min).map_err(|_| bad())?,
        max: Points::parse(max).map_err(|_| bad())?,
        step: Points::parse(step).map_err(|_| bad())?,
    })
}

/// Reads a form from an XLSX workbook. Every cell that cannot be read is reported with its
/// sheet, row and cell; the form is then also checked by the caller (`validate`).
pub fn from_xlsx(bytes: &[u8]) -> Result<ScoreForm> {
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.to_vec())).map_err(|_| {
        Error::invalid(
            "file",
            "Tệp không phải bảng tính Excel (.xlsx) đọc được. Hãy lưu lại bằng Excel hoặc LibreOffice dưới dạng .xlsx rồi nhập lại.",
            "The file is not a readable Excel workbook (.xlsx). Save it again as .xlsx in Excel or LibreOffice and import again.",
        )
    })?;
    let missing = |sheet: &str| {
        Error::invalid(
            "file",
            format!("Tệp không có trang '{sheet}'. Hãy dùng tệp mẫu tải về từ binhchon (nút Tải XLSX) và giữ nguyên tên các trang."),
            format!("The workbook has no sheet '{sheet}'. Start from a workbook downloaded from binhchon (Download XLSX) and keep the sheet names."),
        )
    };
    let head = wb.worksheet_range(SHEET_FORM).map_err(|_| missing(SHEET_FORM))?;
    let body = wb.worksheet_range(SHEET_CRITERIA).map_err(|_| missing(SHEET_CRITERIA))?;
    let mut errors: Vec<CellError> = Vec::new();
    let empty = Data::Empty;

    // Sheet "Phiếu": key in column A, value in column B, from row 2.
    let mut form = ScoreForm {
        code: String::new(),
        version: 1,
        name_vi: String::new(),
        name_en: None,
        official: false,
        source: String::new(),
        applies_to: Vec::new(),
        total: Points::from_whole(100),
        help_vi: None,
        help_en: None,
        parts: Vec::new(),
    };
    let head_end = head.end().unwrap_or((0, 0));
    for r in 1..=head_end.0 {
        let key = head.get_value((r, 0)).and_then(text_of);
        let value = head.get_value((r, 1)).unwrap_or(&empty);
        let Some(key) = key else { continue };
        let e = |vi: String, en: String| at(SHEET_FORM, r, 1, vi, en);
        match key.as_str() {
            "code" => form.code = text_of(value).unwrap_or_default(),
            "version" => match points_of(value) {
                Ok(Some(p)) if p.is_whole() && p > Points::ZERO => {
                    form.version = u32::try_from(p.hundredths() / 100).unwrap_or(1);
                }
                Ok(None) => {}
                _ => errors.push(e("phiên bản phải là số nguyên dương".into(), "the version must be a positive whole number".into())),
            },
            "name_vi" => form.name_vi = text_of(value).unwrap_or_default(),
            "name_en" => form.name_en = text_of(value),
            "official" => {
                form.official = match text_of(value).map(|s| s.to_lowercase()).as_deref() {
                    Some("có" | "co" | "x" | "true" | "yes" | "1") => true,
                    None | Some("không" | "khong" | "false" | "no" | "0") => false,
                    Some(other) => {
                        errors.push(e(format!("«{other}»: hãy ghi \"có\" hoặc \"không\""), format!("“{other}”: write \"có\" (yes) or \"không\" (no)")));
                        false
                    }
                }
            }
            "source" => form.source = text_of(value).unwrap_or_default(),
            "applies_to" => {
                form.applies_to = text_of(value)
                    .unwrap_or_default()
                    .split(',')
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect();
            }
            "total" => match points_of(value) {
                Ok(Some(p)) => form.total = p,
                Ok(None) => {}
                Err((vi, en)) => errors.push(e(vi, en)),
            },
            "help_vi" => form.help_vi = text_of(value),
            "help_en" => form.help_en = text_of(value),
            other => errors.push(at(
                SHEET_FORM,
                r,
                0,
                format!("trường «{other}» không có; các trường được dùng: {}", FORM_KEYS.map(|k| k.0).join(", ")),
                format!("unknown field “{other}”; the fields are: {}", FORM_KEYS.map(|k| k.0).join(", ")),
            )),
        }
    }

    // Sheet "Tiêu chí": one row per part, group, criterion or option, from row 2.
    let body_end = body.end().unwrap_or((0, 0));
    let cell = |r: u32, c: u32| body.get_value((r, c)).unwrap_or(&empty);
    for r in 1..=body_end.0 {
        let row_empty = (0..9).all(|c| matches!(cell(r, c), Data::Empty) || text_of(cell(r, c)).is_none());
        if row_empty {
            continue;
        }
        let e = |c: u32, vi: String, en: String| at(SHEET_CRITERIA, r, c, vi, en);
        let Some(kind) = text_of(cell(r, 0)).as_deref().and_then(kind_of) else {
            errors.push(e(
                0,
                format!("loại dòng «{}» không rõ; hãy ghi Phần, Nhóm, Tiêu chí hoặc Phương án", text_of(cell(r, 0)).unwrap_or_default()),
                format!("row kind “{}” unknown; write Phần (part), Nhóm (group), Tiêu chí (criterion) or Phương án (option)", text_of(cell(r, 0)).unwrap_or_default()),
            ));
            continue;
        };
        let code = text_of(cell(r, 1)).unwrap_or_default();
        let name_vi = text_of(cell(r, 2)).unwrap_or_default();
        let name_en = text_of(cell(r, 3));
        let help_vi = text_of(cell(r, 5));
        let help_en = text_of(cell(r, 6));
        let mut points = |what_vi: &str, what_en: &str| -> Option<Points> {
            match points_of(cell(r, 4)) {
                Ok(Some(p)) => Some(p),
                Ok(None) => {
                    errors.push(e(4, format!("ô trống; hãy ghi {what_vi}"), format!("empty; enter {what_en}")));
                    None
                }
                Err((vi, en)) => {
                    errors.push(e(4, vi, en));
                    None
                }
            }
        };
        match kind {
            "part" => {
                let max = points("điểm tối đa của phần", "the part's maximum").unwrap_or(Points::ZERO);
                form.parts.push(Part { code, name_vi, name_en, max, help_vi, help_en, groups: Vec::new() });
            }
            "group" => match form.parts.last_mut() {
                Some(p) => p.groups.push(CriteriaGroup { code, name_vi, name_en, help_vi, help_en, criteria: Vec::new() }),
                None => errors.push(e(0, "nhóm phải nằm dưới một dòng Phần".into(), "a group must come under a part row".into())),
            },
            "criterion" => {
                let max = points("điểm tối đa của tiêu chí", "the criterion's maximum").unwrap_or(Points::ZERO);
                let mandatory = match text_of(cell(r, 7)).map(|s| parse_mandatory(&s)).transpose() {
                    Ok(m) => m.unwrap_or_default(),
                    Err((vi, en)) => {
                        errors.push(e(7, vi, en));
                        Vec::new()
                    }
                };
                let scale = match text_of(cell(r, 8)).map(|s| parse_numeric(&s)).transpose() {
                    Ok(Some(range)) => Scale::Numeric(range),
                    Ok(None) => Scale::Options(Vec::new()),
                    Err((vi, en)) => {
                        errors.push(e(8, vi, en));
                        Scale::Options(Vec::new())
                    }
                };
                match form.parts.last_mut().and_then(|p| p.groups.last_mut()) {
                    Some(g) => g.criteria.push(Criterion { code, name_vi, name_en, help_vi, help_en, max, scale, mandatory }),
                    None => errors.push(e(0, "tiêu chí phải nằm dưới một dòng Nhóm".into(), "a criterion must come under a group row".into())),
                }
            }
            _ => {
                let p = points("điểm của phương án", "the option's points").unwrap_or(Points::ZERO);
                let option = ScoreOption { points: p, name_vi, name_en, help_vi };
                match form.parts.last_mut().and_then(|p| p.groups.last_mut()).and_then(|g| g.criteria.last_mut()) {
                    Some(Criterion { scale: Scale::Options(options), .. }) => options.push(option),
                    Some(_) => errors.push(e(0, "tiêu chí ở trên là tiêu chí nhập số (cột I), không có phương án".into(), "the criterion above takes a number (column I) and has no options".into())),
                    None => errors.push(e(0, "phương án phải nằm dưới một dòng Tiêu chí".into(), "an option must come under a criterion row".into())),
                }
            }
        }
    }
    if errors.is_empty() {
        Ok(form)
    } else {
        Err(refuse(errors))
    }
}

/// Reads an uploaded form file: an XLSX workbook (recognised by its ZIP signature) or TOML
/// text. The form must also be valid (`ScoreForm::validate`); every problem names its place.
pub fn read_upload(file_name: &str, bytes: &[u8]) -> Result<ScoreForm> {
    if bytes.len() > MAX_IMPORT_BYTES {
        return Err(Error::invalid(
            "file",
            format!("Tệp lớn hơn {} KB. Một phiếu đánh giá chỉ cần vài chục KB; hãy kiểm tra lại tệp.", MAX_IMPORT_BYTES / 1024),
            format!("The file is larger than {} KB. A score form needs a few dozen KB; check the file.", MAX_IMPORT_BYTES / 1024),
        ));
    }
    if bytes.is_empty() {
        return Err(Error::invalid("file", "Tệp trống. Hãy chọn tệp .xlsx hoặc .toml của phiếu.", "The file is empty. Choose the form's .xlsx or .toml file."));
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return from_xlsx(bytes);
    }
    let text = std::str::from_utf8(bytes).map_err(|_| {
        Error::invalid(
            "file",
            "Tệp không phải bảng tính .xlsx, cũng không phải văn bản TOML mã hóa UTF-8. Hãy chọn tệp tải về từ binhchon hoặc lưu lại với mã hóa UTF-8.",
            "The file is neither an .xlsx workbook nor UTF-8 TOML text. Choose a file downloaded from binhchon or save it again as UTF-8.",
        )
    })?;
    let name = if file_name.trim().is_empty() { "phiếu.toml" } else { file_name };
    ScoreForm::from_toml(name, text).map_err(|e| {
        Error::invalid(
            "file",
            format!("Chưa nhập được tệp, không có gì thay đổi. {e}. Hãy sửa rồi nhập lại."),
            format!("The file was not imported; nothing changed. {}. Correct it and import again.", e.message_en()),
        )
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_form_survives_an_xlsx_and_a_toml_round_trip() {
        for rs in domain::catalogue::shipped().unwrap() {
            for f in &rs.forms {
                let bytes = to_xlsx(f).unwrap();
                assert_eq!(&read_upload("x.xlsx", &bytes).unwrap(), f, "{}", f.code);
                let text = f.to_toml().unwrap();
                assert_eq!(&read_upload("x.toml", text.as_bytes()).unwrap(), f, "{}", f.code);
            }
        }
    }

    #[test]
    fn garbage_is_refused_clearly() {
        let err = read_upload("x.toml", b"\xff\xfe\x00garbage").unwrap_err();
        assert!(err.to_string().contains("UTF-8"), "{err}");
        let err = read_upload("x.xlsx", b"PK\x03\x04 not really a zip").unwrap_err();
        assert!(err.to_string().contains(".xlsx"), "{err}");
    }

    #[test]
    fn a_bad_cell_is_named() {
        let f = domain::catalogue::shipped().unwrap()[0].forms[0].clone();
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name(SHEET_FORM).unwrap();
        ws.write_string(1, 0, "code").unwrap();
        ws.write_string(1, 1, &f.code).unwrap();
        let ws = wb.add_worksheet();
        ws.set_name(SHEET_CRITERIA).unwrap();
        ws.write_string(1, 0, "Phần").unwrap();
        ws.write_string(1, 1, "A").unwrap();
        ws.write_string(1, 2, "Phần A").unwrap();
        ws.write_string(1, 4, "bốn mươi").unwrap();
        let bytes = wb.save_to_buffer().unwrap();
        let err = from_xlsx(&bytes).unwrap_err().to_string();
        assert!(err.contains("Trang 'Tiêu chí', dòng 2, ô E2"), "{err}");
    }
}
