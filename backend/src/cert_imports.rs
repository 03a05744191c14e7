//! Products certified before binhchon (sản phẩm đã được công nhận trước khi dùng hệ thống): an
//! office loads its existing list from a workbook so that a province's certified products are in
//! the catalogue, the verification page, the expiry notices and the revocation list on day one.
//!
//! One row is one certificate. The workbook's first sheet holds the list; the header row is found
//! by its "Tên sản phẩm" cell, and columns are matched by their titles (accents, case and order
//! do not matter), so an office's own spreadsheet works once its titles match the template's.
//! Every row is checked before anything is written; the rows that pass go in together in one
//! transaction, the others are reported with their row number, column and what to fix. Loading
//! the same file again adds nothing: a certificate number, or the same product under the same
//! decision, already on record is reported as a duplicate.

use std::{collections::HashMap, io::Cursor};

use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use chrono::{Datelike, NaiveDate};
use domain::{
    access::{Programme, ProducerType},
    certificate::CertificateTerm,
    ruleset::RuleSet,
    text::search_key,
};
use rust_xlsxwriter::{Format, Workbook};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::{
    audit,
    auth::{CurrentUser, RequestMeta},
    db::{self, Db},
    error::{Error, Result},
    form_files::{text_of, xlsx_err},
    rounds::today_vn,
    rules,
    units::{self, Unit},
};

/// Largest workbook accepted (a list of several thousand rows is well under this).
pub const MAX_BYTES: usize = 10 * 1024 * 1024;
/// Rows read from one workbook.
const MAX_ROWS: usize = 5000;

/// The columns of the list: key, the template's title, whether a row must fill it, other titles
/// an office's own spreadsheet may use.
const COLUMNS: &[(Col, &str, bool, &[&str])] = &[
    (Col::Product, "Tên sản phẩm", true, &["san pham"]),
    (Col::Producer, "Chủ thể", true, &["ten chu the", "chu the san xuat", "co so san xuat", "don vi san xuat"]),
    (Col::ProducerType, "Loại hình chủ thể", true, &["loai hinh", "loai hinh to chuc"]),
    (Col::TaxCode, "Mã số thuế", false, &["ma so doanh nghiep", "mst"]),
    (Col::Commune, "Xã, phường", true, &["xa phuong", "xa", "phuong", "xa phuong thi tran", "dia ban"]),
    (Col::Address, "Địa chỉ", false, &[]),
    (Col::Phone, "Điện thoại", false, &["so dien thoai", "dien thoai lien he"]),
    (Col::Group, "Mã nhóm sản phẩm", false, &["nhom san pham", "ma nhom", "bo san pham"]),
    (Col::Stars, "Số sao", false, &["hang sao", "xep hang", "sao"]),
    (Col::Number, "Số giấy chứng nhận", false, &["so gcn", "so giay chung nhan"]),
    (Col::DecisionNo, "Số quyết định", true, &["quyet dinh so", "so qd"]),
    (Col::DecisionDate, "Ngày quyết định", true, &["ngay ky", "ngay ky quyet dinh", "ngay qd", "ngay cap"]),
    (Col::Signatory, "Người ký", false, &["nguoi ky quyet dinh"]),
    (Col::ValidUntil, "Có hiệu lực đến", false, &["hieu luc den", "ngay het han", "het han", "thoi han"]),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Col {
    Product,
    Producer,
    ProducerType,
    TaxCode,
    Commune,
    Address,
    Phone,
    Group,
    Stars,
    Number,
    DecisionNo,
    DecisionDate,
    Signatory,
    ValidUntil,
}

fn title(col: Col) -> &'static str {
    COLUMNS.iter().find(|c| c.0 == col).map_or("", |c| c.1)
}

/// One row that went in.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ImportedRow {
    pub row: u32,
    pub number: String,
    pub product: String,
    pub producer: String,
}

/// One row that did not, and why.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct RefusedRow {
    pub row: u32,
    /// The column's title, empty when the whole row is concerned.
    pub column: String,
    pub message_vi: String,
    pub message_en: String,
}

/// What an import did, row by row.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct ImportReport {
    pub id: i64,
    pub file_name: String,
    pub total_rows: u32,
    pub imported: Vec<ImportedRow>,
    pub refused: Vec<RefusedRow>,
    /// New producers and products the list created.
    pub new_producers: u32,
    pub new_products: u32,
}

/// An earlier import, for the office's history.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ImportSummary {
    pub id: i64,
    pub programme: Programme,
    pub file_name: String,
    pub total_rows: i64,
    pub imported: i64,
    pub refused: i64,
    pub created_by: String,
    pub created_at: String,
}

/// The office unit the caller imports for in a programme: its own unit (the highest one, should
/// it hold the role on several).
fn office_unit(user: &CurrentUser, programme: Programme) -> Result<i64> {
    let role = rules::office_role(programme);
    user.grants
        .iter()
        .filter(|g| g.role == role)
        .filter_map(|g| Some((g.unit_path.as_deref()?.len(), g.unit_id?)))
        .min()
        .map(|(_, id)| id)
        .ok_or(Error::Forbidden)
}

/// The template: the list's columns with a worked example on the help sheet.
pub fn template(programme: Programme) -> Result<(String, Vec<u8>)> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold().set_text_wrap();
    {
        let ws = wb.add_worksheet();
        ws.set_name("Danh sách").map_err(xlsx_err)?;
        for (i, (col, name, required, _)) in COLUMNS.iter().enumerate() {
            let c = u16::try_from(i).unwrap_or(0);
            let star = if *required || (*col == Col::Stars && programme == Programme::Ocop) { " *" } else { "" };
            ws.write_string_with_format(0, c, format!("{name}{star}"), &bold).map_err(xlsx_err)?;
            ws.set_column_width(c, if matches!(col, Col::Product | Col::Producer | Col::Address) { 32 } else { 18 }).map_err(xlsx_err)?;
        }
        ws.set_freeze_panes(1, 0).map_err(xlsx_err)?;
    }
    {
        let ws = wb.add_worksheet();
        ws.set_name("Hướng dẫn").map_err(xlsx_err)?;
        ws.set_column_width(0, 120).map_err(xlsx_err)?;
        let stars = match programme {
            Programme::Ocop => "Số sao: 3, 4 hoặc 5 (bắt buộc với sản phẩm OCOP).",
            Programme::Spcnnttb => "Số sao: để trống (sản phẩm công nghiệp nông thôn tiêu biểu không xếp sao).",
        };
        let lines = [
            "Danh sách sản phẩm đã được công nhận trước khi dùng binhchon — mỗi hàng một giấy chứng nhận.",
            "Cột có dấu * là bắt buộc. Giữ nguyên tiêu đề cột; thứ tự cột có thể khác.",
            "Loại hình chủ thể: Hợp tác xã, Tổ hợp tác, Doanh nghiệp hoặc Hộ kinh doanh.",
            "Mã số thuế: 10 chữ số (hoặc 10 chữ số-3 chữ số); nếu có, dùng để nhận ra chủ thể đã có trong hệ thống.",
            "Xã, phường: tên xã/phường thuộc địa bàn của đơn vị, ví dụ «Xã Bình Hòa».",
            "Mã nhóm sản phẩm: theo bộ tiêu chí đang áp dụng, ví dụ 1.1; có thể để trống.",
            stars,
            "Số giấy chứng nhận: như in trên giấy; để trống thì hệ thống đặt số theo số quyết định.",
            "Ngày quyết định và Có hiệu lực đến: ngày/tháng/năm, ví dụ 15/03/2024. Để trống «Có hiệu lực đến» thì tính theo bộ tiêu chí (OCOP: 36 tháng).",
            "Ví dụ một hàng: Gạo hữu cơ Bình Sơn | HTX Nông nghiệp Bình Hòa | Hợp tác xã | 4300123456 | Xã Bình Hòa | Thôn 1 | 0912345678 | 1.1 | 3 | | 123/QĐ-UBND | 15/03/2024 | Nguyễn Văn A |",
            "Hàng có lỗi không được nhập; hệ thống báo số hàng, cột và cách sửa. Nhập lại cùng tệp không tạo bản trùng.",
        ];
        for (i, l) in lines.iter().enumerate() {
            ws.write_string(u32::try_from(i).unwrap_or(0), 0, *l).map_err(xlsx_err)?;
        }
    }
    let bytes = wb.save_to_buffer().map_err(xlsx_err)?;
    Ok((format!("mau-danh-sach-san-pham-da-cong-nhan-{}.xlsx", programme.code()), bytes))
}

/// A date as written in a cell: a date cell, a serial number, "15/03/2024" or "2024-03-15".
fn date_of(d: &Data) -> std::result::Result<Option<NaiveDate>, ()> {
    let from_serial = |serial: f64| -> std::result::Result<Option<NaiveDate>, ()> {
        if !(1.0..=2_958_465.0).contains(&serial) {
            return Err(());
        }
        #[allow(clippy::cast_possible_truncation)]
        let days = serial.trunc() as i64;
        Ok(NaiveDate::from_ymd_opt(1899, 12, 30).and_then(|d| d.checked_add_signed(chrono::Duration::days(days))))
    };
    match d {
        Data::Empty => Ok(None),
        Data::DateTime(dt) => from_serial(dt.as_f64()),
        Data::DateTimeIso(s) => NaiveDate::parse_from_str(s.get(..10).unwrap_or(s), "%Y-%m-%d").map(Some).map_err(|_| ()),
        Data::Float(f) => from_serial(*f),
        #[allow(clippy::cast_precision_loss)]
        Data::Int(i) => from_serial(*i as f64),
        Data::String(s) => {
            let s = s.trim();
            if s.is_empty() {
                return Ok(None);
            }
            let s = s.replace(['.', '-'], "/");
            NaiveDate::parse_from_str(&s, "%d/%m/%Y").or_else(|_| NaiveDate::parse_from_str(&s, "%Y/%m/%d")).map(Some).map_err(|_| ())
        }
        _ => Err(()),
    }
}

/// A producer's legal form as written ("HTX", "Hợp tác xã", "hộ kinh doanh"…).
fn producer_type_of(s: &str) -> Option<ProducerType> {
    let k = search_key(s);
    match k.as_str() {
        "htx" | "hop tac xa" => Some(ProducerType::Cooperative),
        "tht" | "to hop tac" => Some(ProducerType::CooperativeGroup),
        "dn" | "doanh nghiep" | "cong ty" => Some(ProducerType::Enterprise),
        "hkd" | "ho kinh doanh" | "ho san xuat" | "ho san xuat kinh doanh" => Some(ProducerType::Household),
        _ => ProducerType::ALL.into_iter().find(|t| search_key(t.name_vi()) == k || t.code() == k),
    }
}

/// A commune of the office's area named as in the cell: "Xã Bình Hòa", "Bình Hòa", "binh hoa".
fn commune_of<'a>(communes: &'a [Unit], s: &str) -> Option<&'a Unit> {
    let k = search_key(s);
    communes.iter().find(|u| search_key(&u.name) == k || search_key(&format!("{} {}", u.kind, u.name)) == k)
}

/// A row read and checked, ready to write.
struct Planned {
    row: u32,
    product: String,
    producer: String,
    producer_type: ProducerType,
    tax_code: Option<String>,
    commune: Unit,
    address: Option<String>,
    phone: Option<String>,
    group: Option<String>,
    stars: Option<i64>,
    title_vi: Option<String>,
    title_en: Option<String>,
    number: Option<String>,
    decision_no: String,
    decision_date: NaiveDate,
    signatory: Option<String>,
    term: CertificateTerm,
}

struct RowReader<'a> {
    cells: &'a [Data],
    cols: &'a HashMap<Col, usize>,
    row: u32,
    refused: Vec<RefusedRow>,
}

impl RowReader<'_> {
    fn cell(&self, col: Col) -> &Data {
        self.cols.get(&col).and_then(|i| self.cells.get(*i)).unwrap_or(&Data::Empty)
    }

    fn text(&self, col: Col) -> Option<String> {
        text_of(self.cell(col)).map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
    }

    fn refuse(&mut self, col: Option<Col>, vi: impl Into<String>, en: impl Into<String>) {
        self.refused.push(RefusedRow { row: self.row, column: col.map(title).unwrap_or_default().to_string(), message_vi: vi.into(), message_en: en.into() });
    }

    /// A required text of at most `max` characters.
    fn required(&mut self, col: Col, max: usize) -> Option<String> {
        match self.text(col) {
            None => {
                self.refuse(Some(col), format!("Thiếu «{}». Hãy điền ô này.", title(col)), format!("\"{}\" is empty. Fill it in.", title(col)));
                None
            }
            Some(v) if v.chars().count() > max => {
                self.refuse(Some(col), format!("«{}» dài quá {max} ký tự.", title(col)), format!("\"{}\" is longer than {max} characters.", title(col)));
                None
            }
            v => v,
        }
    }

    fn optional(&mut self, col: Col, max: usize) -> Option<String> {
        let v = self.text(col)?;
        if v.chars().count() > max {
            self.refuse(Some(col), format!("«{}» dài quá {max} ký tự.", title(col)), format!("\"{}\" is longer than {max} characters.", title(col)));
            return None;
        }
        Some(v)
    }

    fn date(&mut self, col: Col) -> Option<NaiveDate> {
        match date_of(self.cell(col)) {
            Ok(d) => d,
            Err(()) => {
                self.refuse(Some(col), format!("«{}» không phải ngày. Ghi theo dạng ngày/tháng/năm, ví dụ 15/03/2024.", title(col)), format!("\"{}\" is not a date. Write day/month/year, e.g. 15/03/2024.", title(col)));
                None
            }
        }
    }
}

/// Reads and checks every row against the programme's rule set and the office's communes.
fn plan_rows(rows: &[Vec<Data>], cols: &HashMap<Col, usize>, header_row: u32, programme: Programme, rs: &RuleSet, level_unit: &Unit, communes: &[Unit]) -> (Vec<Planned>, Vec<RefusedRow>, u32) {
    let mut planned = Vec::new();
    let mut refused = Vec::new();
    let mut total = 0u32;
    let level = rs.level(level_unit.level);
    let recognised_stars: Vec<u8> = rs.levels.iter().flat_map(|l| l.recognises_stars.iter().copied()).collect();
    let today = today_vn();
    for (i, cells) in rows.iter().enumerate() {
        let row = header_row + 2 + u32::try_from(i).unwrap_or(u32::MAX - header_row - 2);
        if cells.iter().all(|c| text_of(c).is_none() && !matches!(c, Data::DateTime(_))) {
            continue;
        }
        total += 1;
        let mut r = RowReader { cells, cols, row, refused: Vec::new() };
        let product = r.required(Col::Product, 200);
        let producer = r.required(Col::Producer, 200);
        let producer_type = r.required(Col::ProducerType, 60).and_then(|s| {
            let t = producer_type_of(&s);
            if t.is_none() {
                r.refuse(Some(Col::ProducerType), format!("Loại hình «{s}» không rõ: ghi Hợp tác xã, Tổ hợp tác, Doanh nghiệp hoặc Hộ kinh doanh."), format!("Unknown legal form \"{s}\": write Hợp tác xã, Tổ hợp tác, Doanh nghiệp or Hộ kinh doanh."));
            }
            t
        });
        let tax_code = r.text(Col::TaxCode).and_then(|s| match domain::values::TaxCode::try_from(s.as_str()) {
            Ok(t) => Some(t.as_str().to_string()),
            Err(_) => {
                r.refuse(Some(Col::TaxCode), format!("Mã số thuế «{s}» không đúng dạng: 10 chữ số, hoặc 10 chữ số-3 chữ số."), format!("Tax code \"{s}\" is not valid: 10 digits, or 10 digits-3 digits."));
                None
            }
        });
        let commune = r.required(Col::Commune, 120).and_then(|s| {
            let c = commune_of(communes, &s).cloned();
            if c.is_none() {
                r.refuse(Some(Col::Commune), format!("Không có xã/phường «{s}» trong địa bàn {}. Hãy ghi đúng tên, ví dụ «Xã Bình Hòa».", level_unit.full_name()), format!("No commune \"{s}\" in {}. Write its name, e.g. \"Xã Bình Hòa\".", level_unit.full_name()));
            }
            c
        });
        let address = r.optional(Col::Address, 300);
        let phone = r.optional(Col::Phone, 30);
        let group = r.text(Col::Group).and_then(|g| {
            if rs.product_group(&g).is_some() {
                Some(g)
            } else {
                r.refuse(Some(Col::Group), format!("Mã nhóm «{g}» không có trong bộ tiêu chí {}. Để trống nếu không rõ.", rs.name_vi), format!("Group \"{g}\" is not in {}. Leave it empty if unsure.", rs.name_vi));
                None
            }
        });
        let stars_text = r.text(Col::Stars);
        let stars = match (programme, stars_text) {
            (Programme::Ocop, None) => {
                r.refuse(Some(Col::Stars), "Thiếu số sao: ghi 3, 4 hoặc 5.", "Stars are missing: write 3, 4 or 5.");
                None
            }
            (Programme::Ocop, Some(s)) => {
                let n = s.trim_end_matches(|c: char| !c.is_ascii_digit()).trim().parse::<u8>().ok().filter(|n| recognised_stars.contains(n));
                if n.is_none() {
                    r.refuse(Some(Col::Stars), format!("Số sao «{s}» không hợp lệ: ghi 3, 4 hoặc 5."), format!("Stars \"{s}\" are not valid: write 3, 4 or 5."));
                }
                n.map(i64::from)
            }
            (Programme::Spcnnttb, Some(s)) => {
                r.refuse(Some(Col::Stars), format!("Sản phẩm công nghiệp nông thôn tiêu biểu không xếp sao: hãy để trống ô này (đang ghi «{s}»)."), format!("Outstanding rural industrial products have no stars: leave this cell empty (it says \"{s}\")."));
                None
            }
            (Programme::Spcnnttb, None) => None,
        };
        let number = r.optional(Col::Number, 80);
        let decision_no = r.required(Col::DecisionNo, 60);
        let decision_date = match r.date(Col::DecisionDate) {
            None if r.refused.iter().all(|x| x.column != title(Col::DecisionDate)) => {
                r.refuse(Some(Col::DecisionDate), "Thiếu ngày quyết định: ghi ngày/tháng/năm.", "The decision date is missing: write day/month/year.");
                None
            }
            Some(d) if d > today || d.year() < 2000 => {
                r.refuse(Some(Col::DecisionDate), "Ngày quyết định không hợp lệ (sau hôm nay hoặc trước năm 2000).", "The decision date is not valid (in the future or before 2000).");
                None
            }
            d => d,
        };
        let signatory = r.optional(Col::Signatory, 200);
        let valid_until = r.date(Col::ValidUntil);
        let term = decision_date.and_then(|issued| match valid_until {
            Some(until) if until <= issued => {
                r.refuse(Some(Col::ValidUntil), "«Có hiệu lực đến» phải sau ngày quyết định.", "\"Valid until\" must be after the decision date.");
                None
            }
            Some(until) => Some(CertificateTerm::until(issued, until, &rs.certificate)),
            None => Some(CertificateTerm::new(issued, &rs.certificate)),
        });
        if !r.refused.is_empty() {
            refused.append(&mut r.refused);
            continue;
        }
        let (Some(product), Some(producer), Some(producer_type), Some(commune), Some(decision_no), Some(decision_date), Some(term)) =
            (product, producer, producer_type, commune, decision_no, decision_date, term)
        else {
            continue;
        };
        let (title_vi, title_en) = match programme {
            Programme::Ocop => (None, None),
            Programme::Spcnnttb => (level.and_then(|l| l.recognises_title_vi.clone()), level.and_then(|l| l.recognises_title_en.clone())),
        };
        planned.push(Planned { row, product, producer, producer_type, tax_code, commune, address, phone, group, stars, title_vi, title_en, number, decision_no, decision_date, signatory, term });
    }
    (planned, refused, total)
}

/// The header row (the first with a "Tên sản phẩm" cell in the first ten rows) and the column of
/// each known title; an error naming the required columns that are missing.
fn find_columns(rows: &[Vec<Data>], programme: Programme) -> Result<(usize, HashMap<Col, usize>)> {
    let product_keys: Vec<String> = std::iter::once(title(Col::Product)).chain(COLUMNS[0].3.iter().copied()).map(search_key).collect();
    let header = rows
        .iter()
        .take(10)
        .position(|r| r.iter().any(|c| text_of(c).is_some_and(|t| product_keys.contains(&search_key(t.trim_end_matches(['*', ' ']))))))
        .ok_or_else(|| {
            Error::invalid(
                "file",
                "Không thấy hàng tiêu đề có cột «Tên sản phẩm» ở trang đầu. Hãy dùng tệp mẫu (nút «Tải tệp mẫu») hoặc đặt tiêu đề cột như tệp mẫu.",
                "No header row with a \"Tên sản phẩm\" column on the first sheet. Use the template, or title your columns as the template does.",
            )
        })?;
    let mut cols = HashMap::new();
    for (i, cell) in rows[header].iter().enumerate() {
        let Some(t) = text_of(cell) else { continue };
        let k = search_key(t.trim_end_matches(['*', ' ']));
        if let Some((col, ..)) = COLUMNS.iter().find(|(_, name, _, aliases)| search_key(name) == k || aliases.iter().any(|a| *a == k)) {
            cols.entry(*col).or_insert(i);
        }
    }
    let missing: Vec<&str> = COLUMNS
        .iter()
        .filter(|(col, _, required, _)| (*required || (*col == Col::Stars && programme == Programme::Ocop)) && !cols.contains_key(col))
        .map(|c| c.1)
        .collect();
    if !missing.is_empty() {
        return Err(Error::invalid(
            "file",
            format!("Tệp thiếu cột: {}. Hãy thêm các cột này (xem tệp mẫu) rồi nhập lại.", missing.join(", ")),
            format!("The list lacks the columns: {}. Add them (see the template) and import again.", missing.join(", ")),
        ));
    }
    Ok((header, cols))
}

/// Reads the workbook, checks every row and writes the rows that pass; the report lists both.
pub async fn import(db: &Db, user: &CurrentUser, meta: &RequestMeta, programme: Programme, file_name: &str, bytes: &[u8]) -> Result<ImportReport> {
    let unit_id = office_unit(user, programme)?;
    if bytes.len() > MAX_BYTES {
        return Err(Error::invalid("file", "Tệp lớn hơn 10 MB. Hãy chia danh sách thành nhiều tệp.", "The file is over 10 MB. Split the list into several files."));
    }
    let unreadable = || {
        Error::invalid(
            "file",
            "Tệp không phải bảng tính Excel (.xlsx) đọc được. Hãy lưu lại bằng Excel hoặc LibreOffice dưới dạng .xlsx rồi nhập lại.",
            "The file is not a readable Excel workbook (.xlsx). Save it as .xlsx in Excel or LibreOffice and import again.",
        )
    };
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.to_vec())).map_err(|_| unreadable())?;
    let range = wb.worksheet_range_at(0).ok_or_else(unreadable)?.map_err(|_| unreadable())?;
    let rows: Vec<Vec<Data>> = range.rows().map(<[Data]>::to_vec).collect();
    let (header, cols) = find_columns(&rows, programme)?;
    let data = &rows[header + 1..];
    if data.len() > MAX_ROWS {
        return Err(Error::invalid("file", format!("Danh sách có hơn {MAX_ROWS} hàng. Hãy chia thành nhiều tệp."), format!("The list has over {MAX_ROWS} rows. Split it into several files.")));
    }
    let unit = units::get(db, unit_id).await?.ok_or(Error::NotFound)?;
    let communes = units::communes_within(db, &unit).await?;
    let (_, rs) = rules::current(db, programme).await?;
    let (planned, mut refused, total_rows) = plan_rows(data, &cols, u32::try_from(header).unwrap_or(0), programme, &rs, &unit, &communes);
    let file_name = file_name.trim().chars().take(200).collect::<String>();
    let sha = hex::encode(Sha256::digest(bytes));

    let actor = user.actor(meta.ip.clone(), meta.request_id.clone());
    let now = db::now();
    let mut tx = db.begin().await?;
    let import_id: i64 = sqlx::query(
        "INSERT INTO certificate_imports (programme, unit_id, file_name, sha256, total_rows, imported, refused, report_json, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, 0, 0, '{}', $6, $7) RETURNING id",
    )
    .bind(programme.code())
    .bind(unit.id)
    .bind(&file_name)
    .bind(&sha)
    .bind(i64::from(total_rows))
    .bind(user.id)
    .bind(&now)
    .fetch_one(&mut *tx)
    .await?
    .try_get("id")?;
    let mut report = ImportReport { id: import_id, file_name: file_name.clone(), total_rows, ..ImportReport::default() };
    let mut decisions: HashMap<(String, NaiveDate), i64> = HashMap::new();
    let mut numbers_in_file: HashMap<String, u32> = HashMap::new();
    let fmt = |d: Option<NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string());
    for p in planned {
        let mut dup = |vi: String, en: String| refused.push(RefusedRow { row: p.row, column: String::new(), message_vi: vi, message_en: en });
        // The producer: by tax code, else by name in the commune; created when new.
        let existing_producer: Option<i64> = match &p.tax_code {
            Some(t) => sqlx::query_scalar("SELECT MIN(id) FROM producers WHERE tax_code = $1").bind(t).fetch_one(&mut *tx).await?,
            None => sqlx::query_scalar("SELECT MIN(id) FROM producers WHERE search_key = $1 AND commune_id = $2")
                .bind(search_key(&p.producer))
                .bind(p.commune.id)
                .fetch_one(&mut *tx)
                .await?,
        };
        let existing_product: Option<i64> = match existing_producer {
            Some(pid) => sqlx::query_scalar("SELECT MIN(id) FROM products WHERE producer_id = $1 AND programme = $2 AND search_key = $3")
                .bind(pid)
                .bind(programme.code())
                .bind(search_key(&p.product))
                .fetch_one(&mut *tx)
                .await?,
            None => None,
        };
        // Duplicates: the number on record or earlier in the file, or this product under this decision.
        if let Some(n) = &p.number {
            if let Some(first) = numbers_in_file.get(n) {
                dup(format!("Số giấy chứng nhận «{n}» trùng với hàng {first}."), format!("Certificate number \"{n}\" repeats row {first}."));
                continue;
            }
            let taken: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM certificates WHERE number = $1").bind(n).fetch_one(&mut *tx).await?;
            if taken > 0 {
                dup(format!("Giấy chứng nhận số «{n}» đã có trong hệ thống (đã nhập trước đây)."), format!("Certificate \"{n}\" is already on record (imported before)."));
                continue;
            }
        }
        if let Some(product_id) = existing_product {
            let same: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM certificates c JOIN decisions d ON d.id = c.decision_id WHERE c.product_id = $1 AND d.decision_no = $2 AND d.decision_date = $3",
            )
            .bind(product_id)
            .bind(&p.decision_no)
            .bind(p.decision_date.format("%Y-%m-%d").to_string())
            .fetch_one(&mut *tx)
            .await?;
            if same > 0 {
                dup(
                    format!("Sản phẩm «{}» của «{}» theo quyết định {} đã có trong hệ thống.", p.product, p.producer, p.decision_no),
                    format!("\"{}\" of \"{}\" under decision {} is already on record.", p.product, p.producer, p.decision_no),
                );
                continue;
            }
        }
        let producer_id = match existing_producer {
            Some(id) => id,
            None => {
                let id: i64 = sqlx::query(
                    "INSERT INTO producers (name, producer_type, commune_id, tax_code, address, phone, created_at, updated_at, search_key) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8) RETURNING id",
                )
                .bind(&p.producer)
                .bind(p.producer_type.code())
                .bind(p.commune.id)
                .bind(&p.tax_code)
                .bind(&p.address)
                .bind(&p.phone)
                .bind(&now)
                .bind(search_key(&p.producer))
                .fetch_one(&mut *tx)
                .await?
                .try_get("id")?;
                audit::record(&mut tx, &actor, "producer.import", "producer", Some(&id.to_string()), None, Some(json!({"name": p.producer, "commune_id": p.commune.id, "tax_code": p.tax_code, "import_id": import_id}))).await?;
                report.new_producers += 1;
                id
            }
        };
        let product_id = match existing_product {
            Some(id) => id,
            None => {
                let id: i64 = sqlx::query(
                    "INSERT INTO products (producer_id, programme, name, group_code, description, raw_materials, packaging, is_set, created_at, updated_at, search_key) \
                     VALUES ($1, $2, $3, $4, '', '', '', 0, $5, $5, $6) RETURNING id",
                )
                .bind(producer_id)
                .bind(programme.code())
                .bind(&p.product)
                .bind(&p.group)
                .bind(&now)
                .bind(search_key(&p.product))
                .fetch_one(&mut *tx)
                .await?
                .try_get("id")?;
                audit::record(&mut tx, &actor, "product.import", "product", Some(&id.to_string()), None, Some(json!({"name": p.product, "producer_id": producer_id, "import_id": import_id}))).await?;
                report.new_products += 1;
                id
            }
        };
        // The earlier decision, recorded once per number and date (kind 'imported', already signed).
        let key = (p.decision_no.clone(), p.decision_date);
        let decision_id = match decisions.get(&key) {
            Some(id) => *id,
            None => {
                let found: Option<i64> = sqlx::query_scalar(
                    "SELECT MIN(id) FROM decisions WHERE kind = 'imported' AND programme = $1 AND unit_id = $2 AND decision_no = $3 AND decision_date = $4",
                )
                .bind(programme.code())
                .bind(unit.id)
                .bind(&p.decision_no)
                .bind(p.decision_date.format("%Y-%m-%d").to_string())
                .fetch_one(&mut *tx)
                .await?;
                let id = match found {
                    Some(id) => id,
                    None => sqlx::query(
                        "INSERT INTO decisions (kind, programme, unit_id, round_id, state, title, decision_no, decision_date, signatory, signed_at, signed_by, version, created_by, created_at, updated_at) \
                         VALUES ('imported', $1, $2, NULL, 'signed', $3, $4, $5, $6, $7, NULL, 1, $8, $7, $7) RETURNING id",
                    )
                    .bind(programme.code())
                    .bind(unit.id)
                    .bind(format!("Quyết định số {} (ban hành trước khi dùng binhchon)", p.decision_no))
                    .bind(&p.decision_no)
                    .bind(p.decision_date.format("%Y-%m-%d").to_string())
                    .bind(&p.signatory)
                    .bind(&now)
                    .bind(user.id)
                    .fetch_one(&mut *tx)
                    .await?
                    .try_get("id")?,
                };
                decisions.insert(key, id);
                id
            }
        };
        let code = crate::results::new_code();
        let number = match &p.number {
            Some(n) => n.clone(),
            None => format!("{}-{}", p.decision_no, product_id),
        };
        let commune = p.commune.full_name();
        let cert_id: i64 = sqlx::query(
            "INSERT INTO certificates (number, code, programme, year, seq, level, unit_id, decision_id, round_id, dossier_id, product_id, producer_id, \
             stars, title_vi, title_en, mean_hundredths, issued_on, valid_until, notice_on, reevaluation_from, search_key, import_id, created_at) \
             VALUES ($1, $2, $3, $4, NULL, $5, $6, $7, NULL, NULL, $8, $9, $10, $11, $12, NULL, $13, $14, $15, $16, $17, $18, $19) RETURNING id",
        )
        .bind(&number)
        .bind(&code)
        .bind(programme.code())
        .bind(i64::from(p.decision_date.year()))
        .bind(unit.level.code())
        .bind(unit.id)
        .bind(decision_id)
        .bind(product_id)
        .bind(producer_id)
        .bind(p.stars)
        .bind(&p.title_vi)
        .bind(&p.title_en)
        .bind(p.decision_date.format("%Y-%m-%d").to_string())
        .bind(fmt(p.term.valid_until))
        .bind(fmt(p.term.notice_on))
        .bind(fmt(p.term.reevaluation_from))
        .bind(search_key(&format!("{} {} {commune}", p.product, p.producer)))
        .bind(import_id)
        .bind(&now)
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        audit::record(
            &mut tx,
            &actor,
            "certificate.import",
            "certificate",
            Some(&cert_id.to_string()),
            None,
            Some(json!({"number": number, "product_id": product_id, "decision_no": p.decision_no, "decision_date": p.decision_date, "stars": p.stars, "valid_until": p.term.valid_until, "import_id": import_id, "row": p.row})),
        )
        .await?;
        if let Some(n) = &p.number {
            numbers_in_file.insert(n.clone(), p.row);
        }
        report.imported.push(ImportedRow { row: p.row, number, product: p.product, producer: p.producer });
    }
    refused.sort_by_key(|r| r.row);
    report.refused = refused;
    let refused_rows = {
        let mut rows: Vec<u32> = report.refused.iter().map(|r| r.row).collect();
        rows.dedup();
        rows.len()
    };
    sqlx::query("UPDATE certificate_imports SET imported = $1, refused = $2, report_json = $3 WHERE id = $4")
        .bind(i64::try_from(report.imported.len()).unwrap_or(i64::MAX))
        .bind(i64::try_from(refused_rows).unwrap_or(i64::MAX))
        .bind(serde_json::to_string(&report).map_err(|e| Error::Internal(e.to_string()))?)
        .bind(import_id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        &actor,
        "certificate_import.run",
        "certificate_import",
        Some(&import_id.to_string()),
        None,
        Some(json!({"file": file_name, "sha256": sha, "rows": total_rows, "imported": report.imported.len(), "refused_rows": refused_rows})),
    )
    .await?;
    tx.commit().await?;
    Ok(report)
}

/// The imports of the caller's office in a programme, newest first.
pub async fn list(db: &Db, user: &CurrentUser, programme: Programme) -> Result<Vec<ImportSummary>> {
    let unit_id = office_unit(user, programme)?;
    let rows = sqlx::query(
        "SELECT i.id, i.file_name, i.total_rows, i.imported, i.refused, i.created_at, COALESCE(u.full_name, '') AS who \
         FROM certificate_imports i LEFT JOIN users u ON u.id = i.created_by WHERE i.programme = $1 AND i.unit_id = $2 ORDER BY i.id DESC",
    )
    .bind(programme.code())
    .bind(unit_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(ImportSummary {
                id: r.try_get("id")?,
                programme,
                file_name: r.try_get("file_name")?,
                total_rows: r.try_get("total_rows")?,
                imported: r.try_get("imported")?,
                refused: r.try_get("refused")?,
                created_by: r.try_get("who")?,
                created_at: r.try_get("created_at")?,
            })
        })
        .collect()
}

/// One earlier import's report, for the office that ran it.
pub async fn report(db: &Db, user: &CurrentUser, id: i64) -> Result<ImportReport> {
    let r = sqlx::query("SELECT programme, unit_id, report_json FROM certificate_imports WHERE id = $1").bind(id).fetch_optional(db.pool()).await?.ok_or(Error::NotFound)?;
    let programme = Programme::from_code(&r.try_get::<String, _>("programme")?).ok_or(Error::NotFound)?;
    if office_unit(user, programme).ok() != Some(r.try_get("unit_id")?) {
        return Err(Error::NotFound);
    }
    serde_json::from_str(&r.try_get::<String, _>("report_json")?).map_err(|e| Error::Internal(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_read_as_offices_write_them() {
        let d = |y, m, day| Some(NaiveDate::from_ymd_opt(y, m, day).unwrap());
        assert_eq!(date_of(&Data::String("15/03/2024".into())), Ok(d(2024, 3, 15)));
        assert_eq!(date_of(&Data::String("15-03-2024".into())), Ok(d(2024, 3, 15)));
        assert_eq!(date_of(&Data::String("2024-03-15".into())), Ok(d(2024, 3, 15)));
        assert_eq!(date_of(&Data::Float(45366.0)), Ok(d(2024, 3, 15)), "a serial date");
        assert_eq!(date_of(&Data::Empty), Ok(None));
        assert_eq!(date_of(&Data::String("31/02/2024".into())), Err(()));
        assert_eq!(date_of(&Data::String("tháng 3".into())), Err(()));
    }

    #[test]
    fn legal_forms_are_read_in_full_or_abbreviated() {
        assert_eq!(producer_type_of("HTX"), Some(ProducerType::Cooperative));
        assert_eq!(producer_type_of("Hợp tác xã"), Some(ProducerType::Cooperative));
        assert_eq!(producer_type_of("hộ kinh doanh"), Some(ProducerType::Household));
        assert_eq!(producer_type_of("Doanh nghiệp"), Some(ProducerType::Enterprise));
        assert_eq!(producer_type_of("Tổ hợp tác"), Some(ProducerType::CooperativeGroup));
        assert_eq!(producer_type_of("Nông trại"), None);
    }
}
