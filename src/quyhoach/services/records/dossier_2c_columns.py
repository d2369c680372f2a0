"""The columns of form 2C that the cadre list carries beside the planning ones."""

from __future__ import annotations

from quyhoach.domain.vocab import N_
from quyhoach.services.records.cells import Column


# The rest of form 2C (sơ yếu lý lịch, mẫu 2C-TCTW-98 / 2C/2008) that planning does not read:
# kept on the cadre, imported, exported and edited like the other fields, printed by
# reports.dossier_2c. The long ones take one entry a line, parts split by "|".
DOSSIER_2C_COLUMNS: tuple[Column, ...] = (
    Column("residence", N_("Nơi ở hiện nay"), max_length=200, example="Tổ 5, phường Mường Thanh"),
    Column("phone", N_("Điện thoại"), max_length=40),
    Column("family_origin", N_("Thành phần gia đình xuất thân"), max_length=120, example="Nông dân"),
    Column("prior_occupation", N_("Nghề nghiệp trước khi được tuyển dụng"), max_length=200, example="Học sinh"),
    Column("recruited_on", N_("Ngày được tuyển dụng"), "date", example="01/09/2000"),
    Column("recruited_by", N_("Cơ quan tuyển dụng"), max_length=200, example="UBND huyện Mường Ảng"),
    Column("current_agency_since", N_("Ngày vào cơ quan hiện nay"), "date"),
    Column("mass_orgs", N_("Tham gia tổ chức chính trị - xã hội"), max_length=300, example="Đoàn TNCS Hồ Chí Minh, 26/03/1994"),
    Column("military", N_("Nhập ngũ, xuất ngũ, quân hàm"), max_length=200),
    Column("general_education", N_("Giáo dục phổ thông"), max_length=20, example="12/12"),
    Column("academic_title", N_("Học hàm, học vị cao nhất"), max_length=120, example="Thạc sĩ"),
    Column("civil_grade", N_("Ngạch công chức"), max_length=120, example="Chuyên viên chính (01.002)"),
    Column("salary_step", N_("Bậc lương"), "int", example="3"),
    Column("salary_coefficient", N_("Hệ số lương"), "float", example="4.98"),
    Column("salary_since", N_("Hưởng bậc lương từ ngày"), "date", example="01/01/2024"),
    Column("honorary_titles", N_("Danh hiệu được phong"), max_length=200),
    Column("strengths", N_("Sở trường công tác"), max_length=200),
    Column("awards", N_("Khen thưởng"), "lines", max_length=2000,
           help="mỗi dòng một hình thức: năm | hình thức | cấp quyết định"),
    Column("health", N_("Tình trạng sức khỏe"), max_length=120, example="Tốt; cao 1,65 m; nặng 60 kg; nhóm máu O"),
    Column("war_status", N_("Thương binh hạng, gia đình liệt sĩ"), max_length=120),
    Column("id_number", N_("Số CCCD"), max_length=20),
    Column("id_issued_on", N_("Ngày cấp CCCD"), "date"),
    Column("insurance_no", N_("Số sổ BHXH"), max_length=20),
    Column("training", N_("Đào tạo, bồi dưỡng"), "lines", max_length=3000,
           help="mỗi dòng một khóa: tên trường | ngành học | từ tháng, năm – đến tháng, năm | hình thức | văn bằng"),
    Column("personal_history", N_("Đặc điểm lịch sử bản thân"), "lines", max_length=2000),
    Column("family", N_("Quan hệ gia đình"), "lines", max_length=6000,
           help="về bản thân (cha, mẹ, vợ hoặc chồng, các con, anh chị em ruột), mỗi dòng một người: "
                "quan hệ | họ và tên | năm sinh | quê quán, nghề nghiệp, chức vụ, nơi ở"),
    Column("spouse_family", N_("Quan hệ gia đình bên vợ (chồng)"), "lines", max_length=6000,
           help="cha, mẹ, anh chị em ruột của vợ (hoặc chồng), mỗi dòng một người: "
                "quan hệ | họ và tên | năm sinh | quê quán, nghề nghiệp, chức vụ, nơi ở"),
    Column("salary_history", N_("Quá trình lương"), "lines", max_length=2000,
           help="mỗi dòng một lần xếp lương: tháng/năm | ngạch/bậc | hệ số lương",
           example="01/2021 | Chuyên viên chính, bậc 2 | 4,74"),
    Column("family_economy", N_("Hoàn cảnh kinh tế gia đình"), "lines", max_length=1000),
    Column("self_assessment", N_("Tự nhận xét"), "lines", max_length=3000,
           help="về phẩm chất chính trị, đạo đức, lối sống, ý thức kỷ luật, năng lực và sở trường công tác"),
    Column("assessment", N_("Nhận xét, đánh giá của cơ quan quản lý"), "lines", max_length=3000),
)
DOSSIER_2C_FIELDS = tuple(c.key for c in DOSSIER_2C_COLUMNS)
