//! Who is who: programmes, administrative levels and roles.

use serde::{Deserialize, Serialize};

/// The two programmes the district runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Programme {
    /// Chương trình mỗi xã một sản phẩm (OCOP) — đánh giá, phân hạng sản phẩm.
    Ocop,
    /// Bình chọn sản phẩm công nghiệp nông thôn tiêu biểu (SPCNNTTB).
    Spcnnttb,
}

impl Programme {
    pub const ALL: [Programme; 2] = [Programme::Ocop, Programme::Spcnnttb];

    pub fn code(self) -> &'static str {
        match self {
            Programme::Ocop => "ocop",
            Programme::Spcnnttb => "spcnnttb",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.code() == code)
    }

    pub fn name_vi(self) -> &'static str {
        match self {
            Programme::Ocop => "Đánh giá, phân hạng sản phẩm OCOP",
            Programme::Spcnnttb => "Bình chọn sản phẩm công nghiệp nông thôn tiêu biểu",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            Programme::Ocop => "OCOP evaluation and star rating",
            Programme::Spcnnttb => "Outstanding rural industrial products",
        }
    }
}

/// Administrative level of a unit or of a round (cấp hành chính).
/// Before 01/07/2025: province → district → commune; after: province → commune.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum AdminLevel {
    /// Trung ương — the central level (ministries, national councils).
    Central,
    /// Cấp khu vực — SPCNNTTB region (Bắc; Miền Trung–Tây Nguyên; Nam).
    Region,
    /// Tỉnh / thành phố trực thuộc trung ương.
    Province,
    /// Huyện / thị xã / thành phố thuộc tỉnh (abolished 01/07/2025).
    District,
    /// Xã / phường / thị trấn / đặc khu.
    Commune,
}

impl AdminLevel {
    pub const ALL: [AdminLevel; 5] = [
        AdminLevel::Central,
        AdminLevel::Region,
        AdminLevel::Province,
        AdminLevel::District,
        AdminLevel::Commune,
    ];

    pub fn code(self) -> &'static str {
        match self {
            AdminLevel::Central => "central",
            AdminLevel::Region => "region",
            AdminLevel::Province => "province",
            AdminLevel::District => "district",
            AdminLevel::Commune => "commune",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.code() == code)
    }

    pub fn name_vi(self) -> &'static str {
        match self {
            AdminLevel::Central => "Trung ương",
            AdminLevel::Region => "Khu vực",
            AdminLevel::Province => "Tỉnh",
            AdminLevel::District => "Huyện",
            AdminLevel::Commune => "Xã",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            AdminLevel::Central => "Central",
            AdminLevel::Region => "Region",
            AdminLevel::Province => "Province",
            AdminLevel::District => "District",
            AdminLevel::Commune => "Commune",
        }
    }
}

/// What a user account may do. Every role except the system administrator is
/// scoped to one administrative unit (and a producer account to one producer).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Quản trị hệ thống.
    Admin,
    /// Cán bộ văn phòng OCOP (thường trực chương trình OCOP — Phòng Nông nghiệp).
    OcopOffice,
    /// Cán bộ văn phòng bình chọn SPCNNTTB (Phòng Kinh tế và Hạ tầng).
    SpcnnttbOffice,
    /// Thành viên hội đồng (giám khảo).
    Judge,
    /// Cán bộ UBND xã.
    CommuneOfficer,
    /// Chủ thể sản xuất (HTX, tổ hợp tác, doanh nghiệp, hộ kinh doanh).
    Producer,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Admin,
        Role::OcopOffice,
        Role::SpcnnttbOffice,
        Role::Judge,
        Role::CommuneOfficer,
        Role::Producer,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::OcopOffice => "ocop_office",
            Role::SpcnnttbOffice => "spcnnttb_office",
            Role::Judge => "judge",
            Role::CommuneOfficer => "commune_officer",
            Role::Producer => "producer",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    pub fn name_vi(self) -> &'static str {
        match self {
            Role::Admin => "Quản trị hệ thống",
            Role::OcopOffice => "Cán bộ văn phòng OCOP",
            Role::SpcnnttbOffice => "Cán bộ văn phòng bình chọn SPCNNTTB",
            Role::Judge => "Thành viên hội đồng (giám khảo)",
            Role::CommuneOfficer => "Cán bộ UBND xã",
            Role::Producer => "Chủ thể sản xuất",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            Role::Admin => "System administrator",
            Role::OcopOffice => "OCOP office staff",
            Role::SpcnnttbOffice => "SPCNNTTB office staff",
            Role::Judge => "Council member (judge)",
            Role::CommuneOfficer => "Commune officer",
            Role::Producer => "Producer",
        }
    }

    /// The programme an office role runs; `None` for roles that are not a programme office.
    pub fn office_programme(self) -> Option<Programme> {
        match self {
            Role::OcopOffice => Some(Programme::Ocop),
            Role::SpcnnttbOffice => Some(Programme::Spcnnttb),
            _ => None,
        }
    }

    /// Staff accounts are created by an administrator; only producers sign up themselves.
    pub fn is_staff(self) -> bool {
        !matches!(self, Role::Producer)
    }
}

/// Legal form of a producer (loại hình chủ thể).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProducerType {
    /// Hợp tác xã.
    Cooperative,
    /// Tổ hợp tác.
    CooperativeGroup,
    /// Doanh nghiệp.
    Enterprise,
    /// Hộ kinh doanh / hộ sản xuất có đăng ký kinh doanh.
    Household,
}

impl ProducerType {
    pub const ALL: [ProducerType; 4] = [
        ProducerType::Cooperative,
        ProducerType::CooperativeGroup,
        ProducerType::Enterprise,
        ProducerType::Household,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ProducerType::Cooperative => "cooperative",
            ProducerType::CooperativeGroup => "cooperative_group",
            ProducerType::Enterprise => "enterprise",
            ProducerType::Household => "household",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    pub fn name_vi(self) -> &'static str {
        match self {
            ProducerType::Cooperative => "Hợp tác xã",
            ProducerType::CooperativeGroup => "Tổ hợp tác",
            ProducerType::Enterprise => "Doanh nghiệp",
            ProducerType::Household => "Hộ kinh doanh",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            ProducerType::Cooperative => "Cooperative",
            ProducerType::CooperativeGroup => "Cooperative group",
            ProducerType::Enterprise => "Enterprise",
            ProducerType::Household => "Registered household business",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::from_code(r.code()), Some(r));
        }
        for l in AdminLevel::ALL {
            assert_eq!(AdminLevel::from_code(l.code()), Some(l));
        }
        for p in Programme::ALL {
            assert_eq!(Programme::from_code(p.code()), Some(p));
        }
        for t in ProducerType::ALL {
            assert_eq!(ProducerType::from_code(t.code()), Some(t));
        }
        assert_eq!(Role::from_code("root"), None);
    }
}
