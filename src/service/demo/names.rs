//! Name banks for the demo school: Russian (Cyrillic), Vietnamese (Latin with
//! diacritics, NFC) and Chinese (CJK) names, as a mixed school would have.

use super::rng::Rng;
use crate::domain::Sex;

pub struct Name {
    pub family: String,
    pub given: String,
    pub patronymic: Option<String>,
}

const RU_FAMILY: &[&str] = &[
    "Иванов",
    "Смирнов",
    "Кузнецов",
    "Попов",
    "Васильев",
    "Петров",
    "Соколов",
    "Михайлов",
    "Новиков",
    "Фёдоров",
    "Морозов",
    "Волков",
    "Алексеев",
    "Лебедев",
    "Семёнов",
    "Егоров",
    "Павлов",
    "Козлов",
    "Степанов",
    "Николаев",
    "Орлов",
    "Андреев",
    "Макаров",
    "Никитин",
    "Захаров",
    "Зайцев",
    "Соловьёв",
    "Борисов",
    "Яковлев",
    "Григорьев",
    "Романов",
    "Воробьёв",
    "Сергеев",
    "Кузьмин",
    "Фролов",
    "Александров",
    "Дмитриев",
    "Королёв",
    "Гусев",
    "Киселёв",
    "Ильин",
    "Максимов",
    "Поляков",
    "Сорокин",
    "Виноградов",
    "Ковалёв",
    "Белов",
    "Медведев",
    "Антонов",
    "Тарасов",
];
const RU_MALE: &[&str] = &[
    "Александр",
    "Максим",
    "Артём",
    "Михаил",
    "Даниил",
    "Иван",
    "Дмитрий",
    "Кирилл",
    "Андрей",
    "Егор",
    "Никита",
    "Илья",
    "Алексей",
    "Матвей",
    "Тимофей",
    "Роман",
    "Владимир",
    "Ярослав",
    "Фёдор",
    "Георгий",
    "Лев",
    "Степан",
];
const RU_FEMALE: &[&str] = &[
    "Анастасия",
    "Мария",
    "Анна",
    "Виктория",
    "Екатерина",
    "Наталья",
    "Марина",
    "Полина",
    "Дарья",
    "Алиса",
    "Елизавета",
    "Ксения",
    "Софья",
    "Варвара",
    "Алёна",
    "Ольга",
    "Татьяна",
    "Юлия",
    "Вероника",
    "Ульяна",
];
/// Fathers' names from which patronymics are formed (masculine, feminine).
const RU_PATRONYMIC: &[(&str, &str)] = &[
    ("Александрович", "Александровна"),
    ("Сергеевич", "Сергеевна"),
    ("Дмитриевич", "Дмитриевна"),
    ("Андреевич", "Андреевна"),
    ("Алексеевич", "Алексеевна"),
    ("Иванович", "Ивановна"),
    ("Михайлович", "Михайловна"),
    ("Викторович", "Викторовна"),
    ("Николаевич", "Николаевна"),
    ("Олегович", "Олеговна"),
    ("Павлович", "Павловна"),
    ("Юрьевич", "Юрьевна"),
];

const VI_FAMILY: &[&str] = &[
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
    "Hồ", "Ngô", "Dương", "Lý",
];
const VI_MALE: &[&str] = &[
    "Văn Hùng",
    "Minh Quân",
    "Quốc Bảo",
    "Đức Thắng",
    "Gia Huy",
    "Hoàng Long",
    "Thành Đạt",
    "Anh Tuấn",
    "Hữu Phước",
    "Trọng Nghĩa",
    "Khánh Duy",
    "Nhật Minh",
];
const VI_FEMALE: &[&str] = &[
    "Thị Mai",
    "Ngọc Hân",
    "Thu Hương",
    "Minh Anh",
    "Bảo Ngọc",
    "Thùy Linh",
    "Phương Thảo",
    "Khánh Vy",
    "Hồng Nhung",
    "Thanh Trúc",
    "Diệu Linh",
    "Yến Nhi",
];

const ZH_FAMILY: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "欧阳", "司马",
];
const ZH_MALE: &[&str] = &[
    "小明", "伟", "磊", "洋", "浩然", "宇轩", "俊杰", "子豪", "志强", "建国", "博文", "天佑",
];
const ZH_FEMALE: &[&str] = &[
    "丽娜", "芳", "静", "婷", "子涵", "欣怡", "梓萱", "雨桐", "诗涵", "思琪", "佳怡", "晓燕",
];

/// Russian family names take a feminine ending for women.
fn feminine(family: &str) -> String {
    if let Some(stem) = family.strip_suffix("ий") {
        format!("{stem}ая")
    } else if ["ов", "ев", "ёв", "ин", "ын"]
        .iter()
        .any(|s| family.ends_with(s))
    {
        format!("{family}а")
    } else {
        family.to_string()
    }
}

/// Which bank a person's name comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Russian,
    Vietnamese,
    Chinese,
}

impl Origin {
    /// About 70% Russian, 15% Vietnamese, 15% Chinese.
    pub fn pick(rng: &mut Rng) -> Origin {
        match rng.below(100) {
            0..70 => Origin::Russian,
            70..85 => Origin::Vietnamese,
            _ => Origin::Chinese,
        }
    }
}

pub fn person(rng: &mut Rng, origin: Origin, sex: Sex) -> Name {
    let male = sex == Sex::M;
    match origin {
        Origin::Russian => {
            let family = *rng.choose(RU_FAMILY);
            let (pm, pf) = *rng.choose(RU_PATRONYMIC);
            Name {
                family: if male {
                    family.to_string()
                } else {
                    feminine(family)
                },
                given: rng
                    .choose(if male { RU_MALE } else { RU_FEMALE })
                    .to_string(),
                patronymic: Some(if male { pm } else { pf }.to_string()),
            }
        }
        Origin::Vietnamese => Name {
            family: rng.choose(VI_FAMILY).to_string(),
            given: rng
                .choose(if male { VI_MALE } else { VI_FEMALE })
                .to_string(),
            patronymic: None,
        },
        Origin::Chinese => Name {
            family: rng.choose(ZH_FAMILY).to_string(),
            given: rng
                .choose(if male { ZH_MALE } else { ZH_FEMALE })
                .to_string(),
            patronymic: None,
        },
    }
}

/// A parent of a child: same family name (Russian parents take their own
/// sex's form), a plausible given name.
pub fn parent(rng: &mut Rng, origin: Origin, child_family: &str, sex: Sex) -> Name {
    let mut n = person(rng, origin, sex);
    n.family = match origin {
        Origin::Russian => {
            let base = RU_FAMILY
                .iter()
                .find(|f| **f == child_family || feminine(f) == child_family);
            match base {
                Some(b) if sex == Sex::M => b.to_string(),
                Some(b) => feminine(b),
                None => child_family.to_string(),
            }
        }
        _ => child_family.to_string(),
    };
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feminine_forms() {
        assert_eq!(feminine("Иванов"), "Иванова");
        assert_eq!(feminine("Соловьёв"), "Соловьёва");
        assert_eq!(feminine("Ильин"), "Ильина");
    }

    #[test]
    fn names_are_nfc() {
        use unicode_normalization::is_nfc;
        for bank in [VI_FAMILY, VI_MALE, VI_FEMALE, RU_FAMILY, ZH_FAMILY] {
            for n in bank {
                assert!(is_nfc(n), "{n}");
            }
        }
    }
}
