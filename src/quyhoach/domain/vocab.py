"""The field's vocabulary: codes used in code and data, Vietnamese labels shown to users,
and the spellings accepted on import (see RULES.md §2).

Labels are Vietnamese source strings; the UI passes them through gettext so the
English catalog can translate them. `N_` only marks them for extraction.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .text import fold


def N_(message: str) -> str:  # noqa: N802 - gettext marker convention
    return message


@dataclass(frozen=True)
class Choice:
    code: str
    label: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Vocabulary:
    """A closed list of choices; `parse` accepts code, label or alias, with or without diacritics."""

    name: str
    choices: tuple[Choice, ...]
    _index: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for choice in self.choices:
            for spelling in (choice.code, choice.label, *choice.aliases):
                self._index[fold(spelling)] = choice.code

    @property
    def codes(self) -> list[str]:
        return [c.code for c in self.choices]

    def label(self, code: str | None) -> str:
        for choice in self.choices:
            if choice.code == code:
                return choice.label
        return code or ""

    def parse(self, value: str) -> str:
        code = self._index.get(fold(value))
        if code is None:
            allowed = ", ".join(c.label for c in self.choices)
            raise ValueError(f"'{value}' không thuộc danh mục; giá trị hợp lệ: {allowed}")
        return code


SEX = Vocabulary("sex", (
    Choice("M", N_("Nam"), ("male", "m", "1")),
    Choice("F", N_("Nữ"), ("female", "f", "0", "nu")),
))

RATING = Vocabulary("rating", (
    Choice("excellent", N_("Hoàn thành xuất sắc nhiệm vụ"), ("HTXSNV", "xuất sắc", "xuat sac")),
    Choice("good", N_("Hoàn thành tốt nhiệm vụ"), ("HTTNV", "tốt", "tot")),
    Choice("complete", N_("Hoàn thành nhiệm vụ"), ("HTNV", "hoàn thành")),
    Choice("fail", N_("Không hoàn thành nhiệm vụ"), ("KHTNV", "không hoàn thành")),
))
RATING_SHORT = {"excellent": "HTXSNV", "good": "HTTNV", "complete": "HTNV", "fail": "KHTNV"}
RATING_ORDER = {"fail": 0, "complete": 1, "good": 2, "excellent": 3}

PERIOD = Vocabulary("period", (
    Choice("year", N_("Năm"), ("nam", "yearly")),
    Choice("quarter", N_("Quý"), ("quy", "quarterly")),
    Choice("month", N_("Tháng"), ("thang", "monthly")),
    Choice("term", N_("Nhiệm kỳ"), ("nhiem ky",)),
))

THEORY_LEVEL = Vocabulary("theory_level", (
    Choice("none", N_("Chưa qua đào tạo"), ("", "không", "chưa có")),
    Choice("basic", N_("Sơ cấp"),),
    Choice("intermediate", N_("Trung cấp"),),
    Choice("advanced", N_("Cao cấp"), ("cử nhân", "cao cấp, cử nhân")),
))
THEORY_ORDER = {"none": 0, "basic": 1, "intermediate": 2, "advanced": 3}

STATE_MGMT_LEVEL = Vocabulary("state_mgmt_level", (
    Choice("none", N_("Chưa qua bồi dưỡng"), ("", "không")),
    Choice("specialist", N_("Chuyên viên"), ("CV",)),
    Choice("principal", N_("Chuyên viên chính"), ("CVC",)),
    Choice("senior", N_("Chuyên viên cao cấp"), ("CVCC",)),
))

STATE_MGMT_ORDER = {"none": 0, "specialist": 1, "principal": 2, "senior": 3}

# Professional degree (trình độ chuyên môn), as a title's standard requires it (P15).
DEGREE = Vocabulary("degree", (
    Choice("vocational", N_("Trung cấp"), ("trung cap",)),
    Choice("college", N_("Cao đẳng"),),
    Choice("university", N_("Đại học"), ("cử nhân", "kỹ sư", "đại học trở lên")),
    Choice("master", N_("Thạc sĩ"), ("thạc sỹ", "thạc sĩ trở lên")),
    Choice("doctorate", N_("Tiến sĩ"), ("tiến sỹ",)),
))
DEGREE_ORDER = {"vocational": 1, "college": 2, "university": 3, "master": 4, "doctorate": 5}

DISCIPLINE_LEVEL = Vocabulary("discipline_level", (
    Choice("reprimand", N_("Khiển trách"),),
    Choice("warning", N_("Cảnh cáo"),),
    Choice("removal", N_("Cách chức"), ("cách tất cả chức vụ trong Đảng",)),
    Choice("expulsion", N_("Khai trừ"),),
))
DISCIPLINE_ORDER = {"reprimand": 1, "warning": 2, "removal": 3, "expulsion": 4}

RELATION_KIND = Vocabulary("relation_kind", (
    Choice("spouse", N_("Vợ/chồng"), ("vợ", "chồng", "vo", "chong")),
    Choice("parent", N_("Bố/mẹ"), ("bố", "mẹ", "cha", "bo", "me")),
    Choice("child", N_("Con"),),
    Choice("sibling", N_("Anh/chị/em ruột"), ("anh", "chị", "em", "anh ruột", "chị ruột", "em ruột")),
    Choice("parent_in_law", N_("Bố/mẹ vợ (chồng)"), ("bố vợ", "mẹ vợ", "bố chồng", "mẹ chồng")),
    Choice("sibling_in_law", N_("Anh/chị/em ruột của vợ (chồng)"),
           ("anh vợ", "em vợ", "anh chồng", "em chồng", "chị vợ", "chị chồng")),
    Choice("child_in_law", N_("Con dâu/con rể"), ("con dâu", "con rể")),
))
# The relation seen from the other side: A is B's parent <=> B is A's child.
RELATION_INVERSE = {
    "spouse": "spouse", "parent": "child", "child": "parent", "sibling": "sibling",
    "parent_in_law": "child_in_law", "child_in_law": "parent_in_law",
    "sibling_in_law": "sibling_in_law",
}

# The 13 sectors of QĐ 114 whose heads may not be relatives of the party
# secretary or the government head of the same level.
SENSITIVE_SECTOR = Vocabulary("sensitive_sector", (
    Choice("home_affairs", N_("Nội vụ"),),
    Choice("inspection", N_("Thanh tra"),),
    Choice("finance", N_("Tài chính"),),
    Choice("banking", N_("Ngân hàng"),),
    Choice("tax", N_("Thuế"),),
    Choice("customs", N_("Hải quan"),),
    Choice("industry_trade", N_("Công thương"),),
    Choice("planning_investment", N_("Kế hoạch và Đầu tư"), ("kế hoạch - đầu tư", "kế hoạch–đầu tư")),
    Choice("natural_resources", N_("Tài nguyên và Môi trường"), ("tài nguyên - môi trường", "nông nghiệp và môi trường")),
    Choice("military", N_("Quân đội"), ("quân sự",)),
    Choice("police", N_("Công an"),),
    Choice("court", N_("Tòa án"), ("toà án",)),
    Choice("procuracy", N_("Viện kiểm sát"),),
))

TERM_KIND = Vocabulary("term_kind", (
    Choice("party", N_("Đảng"), ("nhiệm kỳ Đảng", "đại hội")),
    Choice("government", N_("Chính quyền"), ("HĐND", "HĐND, UBND", "UBND")),
))

# The posts QĐ 114 names: the party secretary and the government head of a locality may
# not have a relative heading one of the 13 sectors at that level.
LEADERSHIP_ROLE = Vocabulary("leadership_role", (
    Choice("party_secretary", N_("Bí thư cấp ủy"), ("bí thư", "bi thu")),
    Choice("government_head", N_("Chủ tịch UBND"), ("chủ tịch ủy ban nhân dân", "chủ tịch ubnd")),
    Choice("council_head", N_("Chủ tịch HĐND"), ("chủ tịch hội đồng nhân dân",)),
))

POOL_SOURCE = Vocabulary("pool_source", (
    Choice("internal", N_("Tại chỗ"), ("nguồn tại chỗ", "tai cho")),
    Choice("external", N_("Nơi khác"), ("nguồn nơi khác", "noi khac")),
))

UNIT_KIND = Vocabulary("unit_kind", (
    Choice("party_committee", N_("Cấp ủy"), ("tỉnh ủy", "đảng ủy", "huyện ủy")),
    Choice("party_organ", N_("Cơ quan Đảng"), ("ban đảng",)),
    Choice("council", N_("Hội đồng nhân dân"), ("HĐND",)),
    Choice("government", N_("Ủy ban nhân dân"), ("UBND",)),
    Choice("department", N_("Sở, ban, ngành"), ("sở", "ngành")),
    Choice("mass_org", N_("Mặt trận, đoàn thể"), ("đoàn thể", "MTTQ")),
    Choice("judicial", N_("Tư pháp, nội chính"), ("nội chính",)),
    Choice("locality", N_("Địa phương"), ("xã", "phường", "huyện", "tỉnh")),
    Choice("enterprise", N_("Doanh nghiệp, đơn vị sự nghiệp"), ("doanh nghiệp", "sự nghiệp")),
))

# --------------------------------------------------------------------------- labels of the pages
# Codes the pages show, one label each (moved here from the web handlers); rendered through the
# `label` filter: `{{ step|label("ballot_step") }}`.

def labels(name: str, pairs: dict[str, str]) -> Vocabulary:
    """A vocabulary that only labels (code -> label, no import spellings)."""
    return Vocabulary(name, tuple(Choice(code, label) for code, label in pairs.items()))


# Parameters of the rule sets, in the officer's words.
RULE_PARAM = labels("rule_param", {
    "pool_max_per_title": N_("Số người tối đa trong danh sách quy hoạch một chức danh (P2)"),
    "pool_min_per_title": N_("Số người tối thiểu trong danh sách quy hoạch một chức danh (P3)"),
    "pools_per_cadre_max": N_("Số chức danh cùng cấp tối đa một cán bộ được quy hoạch (P4)"),
    "next_term_min_months": N_("Số tháng công tác còn lại tối thiểu tính đến đầu nhiệm kỳ (P6)"),
    "next_term_preferred_months": N_("Số tháng công tác còn lại nên có (hai nhiệm kỳ, P6)"),
    "supplement_min_months": N_("Số tháng công tác còn lại tối thiểu khi quy hoạch bổ sung (P7)"),
    "supplement_rank_min": N_("Thứ bậc chức danh từ đó áp dụng P7"),
    "rating_window_years": N_("Số năm xếp loại gần nhất được xét (P8)"),
    "rating_min": N_("Mức xếp loại tối thiểu mỗi năm (P8)"),
    "confidence_low_max_share": N_("Tỷ lệ phiếu tín nhiệm thấp tối đa (P11)"),
    "confidence_quorum_share": N_("Tỷ lệ có mặt tối thiểu để lấy phiếu tín nhiệm hợp lệ (P11)"),
    "confidence_dismissal_share": N_("Tỷ lệ phiếu tín nhiệm thấp từ đó xem xét miễn nhiệm (P11)"),
    "ratings_count_from": N_(
        "Xếp loại một năm được tính từ khi nào: khi đã ghi nhận, hoặc từ ngày (tháng-ngày) của năm đó (P8, P10)"),
    "discipline_ended_no_bar": N_("Hình thức kỷ luật đã hết hiệu lực thì không còn cản trở quy hoạch (P9, P13)"),
    "discipline_exit_min": N_("Hình thức kỷ luật từ đó đương nhiên ra khỏi quy hoạch (P9)"),
    "discipline_cooldown_months": N_("Thời hạn sau kỷ luật theo hình thức, tháng (P13)"),
    "relation_kinds": N_("Các quan hệ gia đình được xét (P14)"),
    "sensitive_sectors": N_("Các lĩnh vực theo Quy định 114 (P14)"),
    "age_band_years": N_("Khoảng cách giữa các độ tuổi, năm (S1)"),
    "age_bands": N_("Ba độ tuổi theo cấp, tính đến đầu nhiệm kỳ (S1)"),
    "young_age": N_("Tuổi cán bộ trẻ theo cấp: dưới (S2)"),
    "young_min_share": N_("Tỷ lệ cán bộ trẻ tối thiểu (S2)"),
    "women_min_share": N_("Tỷ lệ cán bộ nữ tối thiểu (S3)"),
    "minority_min_share": N_("Tỷ lệ cán bộ dân tộc thiểu số tối thiểu, mặc định (S4)"),
    "minority_min_share_by_unit": N_("Tỷ lệ cán bộ dân tộc thiểu số theo địa phương (S4)"),
    "committee_under40_min_share": N_("Cấp ủy: tỷ lệ dưới 40 tuổi tối thiểu (S5)"),
    "committee_40_50_share": N_("Cấp ủy: tỷ lệ từ 40 đến 50 tuổi (S5)"),
    "committee_age_edges": N_("Cấp ủy: các mốc tuổi (S5)"),
    "ballot_quorum_share": N_("Tỷ lệ có mặt tối thiểu để biểu quyết hợp lệ"),
    "ballot_first_round_min_share": N_("Tỷ lệ phiếu giới thiệu tối thiểu tại hội nghị cán bộ chủ chốt"),
    "ballot_standing_min_share": N_("Tỷ lệ phiếu đồng ý tại ban thường vụ: trên"),
    "head_max_consecutive_terms": N_("Số nhiệm kỳ liên tiếp tối đa của người đứng đầu (R5)"),
    "head_term_months": N_("Số tháng tính là một nhiệm kỳ của người đứng đầu (R5)"),
    "rotation_min_service_months": N_("Số tháng công tác còn lại tối thiểu vào ngày luân chuyển (R7)"),
    "rotation_min_tenure_months": N_("Số tháng tối thiểu giữ vị trí luân chuyển đến (R8)"),
    "secondment_max_months": N_("Số tháng biệt phái tối đa (R8)"),
    "rotation_fit": N_("Điểm phù hợp của cán bộ với vị trí khi luân chuyển"),
    "rotation_development": N_("Điểm phát triển của một lượt luân chuyển (khác địa phương, khác đơn vị, khác cấp)"),
    "appointment_term_years": N_("Thời hạn bổ nhiệm, năm"),
    "rule_basis": N_("Văn bản làm căn cứ thêm cho từng quy tắc"),
    "suggestion_weights": N_("Trọng số điểm gợi ý"),
    "score_excellent_min": N_("Điểm tối thiểu xếp loại Hoàn thành xuất sắc"),
    "score_good_min": N_("Điểm tối thiểu xếp loại Hoàn thành tốt"),
    "score_complete_min": N_("Điểm tối thiểu xếp loại Hoàn thành"),
    "excellent_tasks_exceeded_min_share": N_("Tỷ lệ nhiệm vụ vượt tiến độ tối thiểu để xếp loại xuất sắc"),
    "complete_tasks_late_max_share": N_("Tỷ lệ nhiệm vụ chậm tiến độ tối đa để xếp loại hoàn thành"),
    "excellent_max_share_of_good": N_("Tỷ lệ xuất sắc tối đa trong số hoàn thành tốt (E4)"),
    "fail_years_for_dismissal": N_("Số năm liên tiếp không hoàn thành nhiệm vụ để xem xét cho thôi việc (E5)"),
    "min_months_worked": N_("Số tháng công tác tối thiểu trong năm để được xếp loại (E6)"),
    "uses_score": N_("Xếp loại theo thang điểm 100"),
    "title_standards_planning_severity": N_(
        "Khi quy hoạch, cán bộ chưa đạt tiêu chuẩn trình độ của chức danh: cảnh báo hay không đạt (P15)"),
    "roadmap": N_(
        "Lộ trình tuổi nghỉ hưu theo giới tính: tuổi trước lộ trình, năm bắt đầu, mức tăng mỗi năm, mức tối đa (tháng)"),
})
BALLOT_STEP = labels("ballot_step", {
    "leadership_proposal": N_("Tập thể lãnh đạo đề xuất"),
    "key_cadres": N_("Hội nghị cán bộ chủ chốt"),
    "standing_committee": N_("Ban Thường vụ"),
    "approval": N_("Cấp có thẩm quyền phê duyệt"),
})
POOL_EVENT = labels("pool_event", {
    "add": N_("Đưa vào danh sách"),
    "reinstate": N_("Đưa vào lại"),
    "exit": N_("Đưa ra khỏi danh sách"),
    "review_keep": N_("Rà soát: giữ lại"),
    "ballot": N_("Kết quả phiếu"),
    "approve": N_("Phê duyệt"),
})
POOL_STATUS = labels("pool_status", {"draft": N_("Dự thảo"), "approved": N_("Đã phê duyệt")})
SCORE_PART = labels("score_part", {
    "structure": N_("bổ sung cơ cấu"),
    "count": N_("đủ số lượng tối thiểu"),
    "service": N_("thời gian công tác còn lại"),
    "ratings": N_("xếp loại các năm gần nhất"),
    "training": N_("trình độ lý luận, quản lý nhà nước"),
})
VACANCY_REASON = labels("vacancy_reason", {
    "vacant": N_("Đang khuyết"),
    "retirement": N_("Nghỉ hưu theo lộ trình"),
    "term_limit": N_("Hết hai nhiệm kỳ liên tiếp"),
    "appointment_end": N_("Hết thời hạn bổ nhiệm"),
})
RULE_DOMAIN = labels("rule_domain", {"planning": N_("Quy hoạch cán bộ"), "rating": N_("Đánh giá, xếp loại"),
                                     "retirement": N_("Tuổi nghỉ hưu")})
TERM_NAME = labels("term_name", {"party": N_("Nhiệm kỳ Đảng"), "government": N_("Nhiệm kỳ chính quyền")})
LEVEL = labels("level", {"central": N_("Trung ương"), "province": N_("Tỉnh"), "district": N_("Huyện"), "commune": N_("Xã")})

# The kinds of move (RULES.md §9): each a different act, judged by its own rules.
MOVE_KIND = Vocabulary("move_kind", (
    Choice("appointment", N_("Bổ nhiệm"), ("bo nhiem", "appointment")),
    Choice("rotation", N_("Luân chuyển"), ("luan chuyen", "rotation")),
    Choice("transfer", N_("Điều động"), ("dieu dong", "transfer")),
    Choice("secondment", N_("Biệt phái"), ("biet phai", "secondment")),
))

# R3: the direction of a rotation.
ROTATION_DIRECTION = labels("rotation_direction", {
    "down": N_("Về cấp dưới"),
    "up": N_("Lên cấp trên"),
    "locality": N_("Giữa các địa phương"),
    "agency": N_("Giữa các cơ quan"),
})

# The audit log's actions and entities, in words (Quản trị → Nhật ký thao tác; a dossier's
# history). Rows of a list written by an import or a form are "<list>.<verb>" (cadres.update):
# the list's title and the verb below.
AUDIT_ACTION = labels("audit_action", {
    "import.units": N_("Nhập danh sách đơn vị"), "import.titles": N_("Nhập danh mục chức danh"),
    "import.cadres": N_("Nhập danh sách cán bộ"), "import.postings": N_("Nhập quá trình công tác"),
    "import.evaluations": N_("Nhập kết quả đánh giá"), "import.votes": N_("Nhập kết quả lấy phiếu"),
    "import.disciplines": N_("Nhập kỷ luật"), "import.relations": N_("Nhập quan hệ gia đình"),
    "import.pools": N_("Nhập danh sách quy hoạch"), "import.conclusions": N_("Nhập kết luận tiêu chuẩn chính trị"),
    "pool.add": N_("Đưa vào quy hoạch"), "pool.reinstate": N_("Đưa lại vào quy hoạch"),
    "pool.exit": N_("Đưa ra khỏi quy hoạch"), "pool.ballot": N_("Ghi kết quả phiếu quy hoạch"),
    "review.decide": N_("Quyết định rà soát"),
    "rule_set.parameter": N_("Sửa tham số bộ quy định"), "rule_set.new_version": N_("Thêm phiên bản bộ quy định"),
    "scenario.create": N_("Tạo phương án luân chuyển"), "scenario.update": N_("Sửa phương án luân chuyển"),
    "scenario.solve": N_("Giải phương án luân chuyển"), "scenario.adopt": N_("Thông qua phương án luân chuyển"),
    "user.create": N_("Tạo người dùng"), "user.activate": N_("Mở khóa người dùng"),
    "user.deactivate": N_("Khóa người dùng"), "user.password": N_("Đặt lại mật khẩu"),
    "user.login": N_("Đăng nhập"), "backup.create": N_("Sao lưu"),
    "user.logout": N_("Đăng xuất"), "user.login_failed": N_("Đăng nhập không thành công"),
    "user.lockout": N_("Tạm khóa đăng nhập"), "user.unlock": N_("Mở khóa đăng nhập"),
    "backup.restore": N_("Khôi phục từ bản sao lưu"), "file.read": N_("Tải tệp mật"),
    # the dossier's and the unit page's forms (services/records/editing.py)
    "cadre.update": N_("Sửa thông tin cán bộ"), "posting.appoint": N_("Bổ nhiệm, giao chức vụ"),
    "posting.move": N_("Điều động, luân chuyển"), "posting.close": N_("Kết thúc chức vụ"),
    "posting.transfer": N_("Chuyển chức vụ theo sắp xếp tổ chức"),
    "posting.add": N_("Thêm quá trình công tác"), "posting.update": N_("Sửa quá trình công tác"),
    "posting.withdraw": N_("Rút quá trình công tác ghi sai"), "posting.restore": N_("Ghi lại quá trình công tác"),
    "evaluation.add": N_("Thêm kết quả đánh giá"), "evaluation.update": N_("Sửa kết quả đánh giá"),
    "evaluation.withdraw": N_("Rút kết quả đánh giá ghi sai"), "evaluation.restore": N_("Ghi lại kết quả đánh giá"),
    "vote.add": N_("Thêm kết quả lấy phiếu"), "vote.update": N_("Sửa kết quả lấy phiếu"),
    "vote.withdraw": N_("Rút kết quả lấy phiếu ghi sai"), "vote.restore": N_("Ghi lại kết quả lấy phiếu"),
    "discipline.add": N_("Thêm kỷ luật"), "discipline.update": N_("Sửa kỷ luật"),
    "discipline.withdraw": N_("Rút kỷ luật ghi sai"), "discipline.restore": N_("Ghi lại kỷ luật"),
    "relation.add": N_("Thêm quan hệ gia đình"), "relation.withdraw": N_("Rút quan hệ gia đình ghi sai"),
    "relation.restore": N_("Ghi lại quan hệ gia đình"),
    "unit.rename": N_("Đổi tên đơn vị"), "unit.merge": N_("Sáp nhập đơn vị"), "unit.close": N_("Giải thể đơn vị"),
    "title.rename": N_("Đổi tên chức danh"), "title.merge": N_("Hợp nhất chức danh"), "title.close": N_("Bỏ chức danh"),
})
AUDIT_VERB = labels("audit_verb", {
    "create": N_("thêm"), "update": N_("cập nhật"), "withdraw": N_("thu hồi"), "close": N_("kết thúc"),
    "merge": N_("sáp nhập"),
})
AUDIT_VERB_CODES = frozenset(AUDIT_VERB.codes)
AUDIT_ENTITY = labels("audit_entity", {
    "cadre": N_("Cán bộ"), "unit": N_("Đơn vị"), "title": N_("Chức danh"), "pool": N_("Danh sách quy hoạch"),
    "pool_entry": N_("Người trong quy hoạch"), "scenario": N_("Phương án"), "rule_set": N_("Bộ quy định"),
    "user": N_("Người dùng"),
})
AUDIT_ENTITY_CODES = frozenset(AUDIT_ENTITY.codes)
# The reasons the app itself writes in a pool's history, stored with their words (`phrase.stored`);
# the officer's own reasons are kept as typed.
POOL_REASON_ADOPTED = N_("Được bố trí giữ chức vụ theo phương án luân chuyển «%(scenario)s», %(decision)s")
POOL_REASON_IMPORTED = N_("Nhập từ danh sách quy hoạch")
POOL_REASON_BALLOT = N_("%(step)s: %(agree)s/%(valid)s phiếu đồng ý, %(present)s/%(convened)s có mặt")
# Who did it when no signed-in user did: the app's own actors, stored in Vietnamese (the audit
# trail's default actor, a pool list's import); a user's name is shown as is:
# `{{ entry.actor|label("actor", entry.actor) }}`.
SYSTEM_ACTOR = N_("hệ thống")
LIST_IMPORT_ACTOR = N_("nhập danh sách")
ACTOR = labels("actor", {SYSTEM_ACTOR: SYSTEM_ACTOR, LIST_IMPORT_ACTOR: LIST_IMPORT_ACTOR})

VOCABULARIES = {v.name: v for v in (
    SEX, RATING, PERIOD, THEORY_LEVEL, STATE_MGMT_LEVEL, DEGREE, DISCIPLINE_LEVEL, RELATION_KIND,
    SENSITIVE_SECTOR, TERM_KIND, UNIT_KIND, LEADERSHIP_ROLE, POOL_SOURCE,
    RULE_PARAM, BALLOT_STEP, POOL_EVENT, POOL_STATUS, SCORE_PART, VACANCY_REASON, LEVEL,
    RULE_DOMAIN, TERM_NAME, MOVE_KIND, ROTATION_DIRECTION,

    RULE_DOMAIN, TERM_NAME, AUDIT_ACTION, AUDIT_VERB, AUDIT_ENTITY, ACTOR,
)}


# --------------------------------------------------------------------------- rotation labels
# Luân chuyển (rotation scenarios): the words of the scenario pages and the decision report.
# Marked with N_ here; translated where rendered (the web wraps them in lazy_gettext).
ROTATION_MODE_LABELS = {"hard": N_("bắt buộc"), "soft": N_("khuyến khích"), "off": N_("không xét")}
ROTATION_TARGET_LABELS = {"female": N_("Cán bộ nữ"), "minority": N_("Cán bộ dân tộc thiểu số"), "young": N_("Cán bộ trẻ")}
ROTATION_WEIGHT_LABELS = {
    "fit": (N_("Mức phù hợp"), N_("điểm cho mỗi điểm phù hợp (0–100) của người giữ mỗi vị trí")),
    "development": (N_("Giá trị phát triển"),
                    N_("điểm cho mỗi điểm phát triển của một lượt điều động (khác địa phương, khác đơn vị, khác cấp)")),
    "structure": (N_("Cơ cấu"), N_("điểm trừ cho mỗi người thiếu so với chỉ tiêu cơ cấu khuyến khích")),
    "moves": (N_("Số lượt điều động"), N_("điểm trừ cho mỗi lượt điều động: càng lớn càng ít xáo trộn")),
    "baseline": (N_("Bám phương án đã duyệt"), N_("điểm trừ cho mỗi cán bộ bố trí khác phương án đã duyệt")),
}
ROTATION_STATUS_LABELS = {
    "queued": N_("Đang chờ"), "running": N_("Đang giải"), "done": N_("Đã có phương án"), "failed": N_("Lỗi"),
    "stopped": N_("Đã dừng"), "infeasible": N_("Không có phương án"), "unknown": N_("Chưa tìm được phương án"),
    "invalid": N_("Dữ liệu không hợp lệ"), "draft": N_("Dự thảo"), "adopted": N_("Đã thông qua"),
}
ROTATION_STATUS_BADGE = {"done": "ok", "adopted": "ok", "queued": "neutral", "running": "warn", "draft": "neutral"}
ROTATION_PLAN_STATUS = {"optimal": N_("tối ưu (đã chứng minh)"), "feasible": N_("khả thi, chưa chứng minh tối ưu"),
               "infeasible": N_("không có phương án thỏa mãn mọi quy định bắt buộc"),
               "unknown": N_("hết thời gian mà chưa tìm được phương án"), "invalid": N_("dữ liệu không hợp lệ")}
ROTATION_PHASE_LABELS = {"relaxation": N_("Nới lỏng, tính cận trên"), "search": N_("Tìm kiếm phương án"),
                "alternatives": N_("Tìm phương án thay thế"), "diagnosis": N_("Chẩn đoán xung đột")}
ROTATION_KIND_LABELS = {"fills_vacancy": N_("Lấp vị trí trống"), "replaces": N_("Thay người chuyển đi"), "move": N_("Điều động")}
ROTATION_TERM_LABELS = {"fit": N_("Mức phù hợp với vị trí"), "development": N_("Giá trị phát triển cán bộ"),
               "structure": N_("Thiếu hụt cơ cấu (người)"), "moves": N_("Số lượt điều động"),
               "baseline": N_("Khác phương án đã duyệt (người)")}
ROTATION_SWEEP_LABELS = {"female": N_("Tỷ lệ cán bộ nữ tối thiểu"), "minority": N_("Tỷ lệ cán bộ dân tộc thiểu số tối thiểu"),
                "young": N_("Tỷ lệ cán bộ trẻ tối thiểu"), "moves": N_("Trọng số số lượt điều động")}
ROTATION_RELAX_LABELS = {
    "must_fill": N_("Không bắt buộc lấp mọi vị trí khuyết"),
    "non_local": N_("«Không là người địa phương» thành khuyến khích (trừ điểm thay vì cấm)"),
    "target": N_("Chỉ tiêu cơ cấu này thành khuyến khích"),
    "max_leaving": N_("Bỏ giới hạn số người đi của đơn vị"),
    "max_arriving": N_("Bỏ giới hạn số người đến của đơn vị"),
    "pinned": N_("Bỏ bố trí cố định này"),
    "forbidden": N_("Bỏ loại trừ này"),
    "family": N_("Giữ nguyên các xung đột QĐ 114 đã có (chỉ cấm xung đột mới)"),
}
# The diagnosis names a unit's limits by the row; the scenario by the setting.
ROTATION_RELAX_RULE = {"leave": "max_leaving", "arrive": "max_arriving"}
ROTATION_LEGAL_WHY = {
    "pool": N_("Chỉ điều động cán bộ trong quy hoạch (QĐ 65, R1): quy định của văn bản, không nới được trong phương án."),
    "precheck": N_("Cán bộ chưa đạt tiêu chuẩn quy hoạch: cần xử lý ở danh sách quy hoạch, không nới trong phương án."),
    "rating": N_("Xếp loại các năm gần nhất (QĐ 65, R9): tiêu chuẩn bắt buộc theo văn bản."),
    "service": N_("Thời gian công tác còn lại tối thiểu (QĐ 65, R7): tiêu chuẩn bắt buộc theo văn bản."),
    "rank": N_("Chức vụ tương đương (QĐ 65, R6): quy định bắt buộc theo văn bản."),
    "qualification": N_("Tiêu chuẩn trình độ của chức danh: quy định bắt buộc theo văn bản."),
    "discipline": N_("Thời hạn sau kỷ luật (P13): quy định bắt buộc theo văn bản."),
    "tenure": N_("Thời gian giữ chức vụ tối thiểu trước khi luân chuyển (R8): quy định bắt buộc theo văn bản."),
    "head_terms": N_("Người đứng đầu không quá hai nhiệm kỳ liên tiếp ở một nơi (R5): quy định bắt buộc theo văn bản."),
}
# The chain graph's and the sweep chart's words (%-formats take n, the number, and k, the moves).
ROTATION_GRAPH_WORDS = {
    "vacant": N_("để trống"), "outside": N_("ngoài danh sách vị trí"),
    "cycle_caption": N_("Vòng %(n)s: %(k)s lượt điều động khép kín"),
    "chain_caption": N_("Chuỗi %(n)s: %(k)s lượt điều động"), "title": N_("Sơ đồ các chuỗi điều động"),
}
ROTATION_SWEEP_WORDS = {"objective": N_("Giá trị mục tiêu"), "moves": N_("Số lượt điều động")}
# --------------------------------------------------------------------------- end of rotation labels
