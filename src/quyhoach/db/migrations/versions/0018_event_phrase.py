"""pool reasons the app wrote, kept as words the pages say in the reader's language

Revision ID: 0018_event_phrase
Revises: 0017_pool_verdict
Create Date: 2026-12-05 16:10:00.000000

`poolevent.words`, `poolentry.added_words` and `poolentry.exit_words` hold, for a reason the
app itself wrote (a ballot's tallies, an exit on adoption, an imported entry's default), the
JSON of its Phrase (domain.phrase: {"t": msgid, "a": args}); an officer's own words stay as
typed, with none. The reasons written before are given their words where their text is one of
the app's sentences; a ballot's text named its step by its code ("key_cadres: 5/6 ..."): it
now names it by its label, as the page always showed it.
"""
import re

from alembic import op
import sqlalchemy as sa


revision = '0018_event_phrase'
down_revision = '0017_pool_verdict'
branch_labels = None
depends_on = None

# The app's sentences as they were written (services.planning.pools), frozen here.
ADOPTED = "Được bố trí giữ chức vụ theo phương án luân chuyển «%(scenario)s», %(decision)s"
IMPORTED = "Nhập từ danh sách quy hoạch"
BALLOT = "%(step)s: %(agree)s/%(valid)s phiếu đồng ý, %(present)s/%(convened)s có mặt"
STEPS = {"leadership_proposal": "Tập thể lãnh đạo đề xuất", "key_cadres": "Hội nghị cán bộ chủ chốt",
         "standing_committee": "Ban Thường vụ", "approval": "Cấp có thẩm quyền phê duyệt"}
ADOPTED_TEXT = re.compile(r"^Được bố trí giữ chức vụ theo phương án luân chuyển «(.*)», (.*)$", re.S)
BALLOT_TEXT = re.compile(r"^(\w+): (\d+)/(\d+) phiếu đồng ý, (\d+)/(\d+) có mặt$")


def words_of(text: str | None) -> tuple[str, dict] | None:
    """The text and words of one of the app's sentences, or None (an officer's words)."""
    if not text:
        return None
    if text == IMPORTED:
        return text, {"t": IMPORTED}
    found = ADOPTED_TEXT.match(text)
    if found:
        return text, {"t": ADOPTED, "a": {"scenario": found[1], "decision": found[2]}}
    found = BALLOT_TEXT.match(text)
    if found and found[1] in STEPS:
        args = {"agree": int(found[2]), "valid": int(found[3]), "present": int(found[4]), "convened": int(found[5])}
        return BALLOT % {"step": STEPS[found[1]], **args}, {"t": BALLOT, "a": {"step": {"t": STEPS[found[1]]}, **args}}
    return None


def upgrade() -> None:
    with op.batch_alter_table('poolevent', schema=None) as batch_op:
        batch_op.add_column(sa.Column('words', sa.JSON(), nullable=True))
    with op.batch_alter_table('poolentry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('added_words', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('exit_words', sa.JSON(), nullable=True))
    connection = op.get_bind()
    event = sa.table('poolevent', sa.column('id', sa.Integer), sa.column('reason', sa.String),
                     sa.column('words', sa.JSON))
    entry = sa.table('poolentry', sa.column('id', sa.Integer), sa.column('added_reason', sa.String),
                     sa.column('exit_reason', sa.String), sa.column('added_words', sa.JSON),
                     sa.column('exit_words', sa.JSON))
    # The imported default, in bulk (a province's lists make thousands of them).
    connection.execute(sa.update(event).where(event.c.reason == IMPORTED).values(words={"t": IMPORTED}))
    connection.execute(sa.update(entry).where(entry.c.added_reason == IMPORTED).values(added_words={"t": IMPORTED}))
    # The adoptions' exits and the ballots, one by one (a few per pool at most).
    sentences = sa.or_(event.c.reason.like("Được bố trí giữ chức vụ theo phương án luân chuyển%"),
                       event.c.reason.like("%phiếu đồng ý,%có mặt"))
    for row_id, reason in connection.execute(sa.select(event.c.id, event.c.reason).where(sentences)).all():
        found = words_of(reason)
        if found:
            connection.execute(sa.update(event).where(event.c.id == row_id).values(reason=found[0], words=found[1]))
    adopted = entry.c.exit_reason.like("Được bố trí giữ chức vụ theo phương án luân chuyển%")
    for row_id, reason in connection.execute(sa.select(entry.c.id, entry.c.exit_reason).where(adopted)).all():
        found = words_of(reason)
        if found:
            connection.execute(sa.update(entry).where(entry.c.id == row_id).values(exit_words=found[1]))


def downgrade() -> None:
    with op.batch_alter_table('poolentry', schema=None) as batch_op:
        batch_op.drop_column('exit_words')
        batch_op.drop_column('added_words')
    with op.batch_alter_table('poolevent', schema=None) as batch_op:
        batch_op.drop_column('words')

