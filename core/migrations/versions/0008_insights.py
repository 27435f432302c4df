"""Issue 24: turn events, conversation facts and the misunderstood turns kept to learn from (R26)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""
from alembic import op
import sqlalchemy as sa



revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'turn_events',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('door', sa.String(length=10), nullable=False),
        sa.Column('lang', sa.String(length=2), nullable=False),
        sa.Column('thread', sa.String(length=80), nullable=False),
        sa.Column('contact', sa.String(length=16), nullable=True),
        sa.Column('step', sa.String(length=20), nullable=False),
        sa.Column('expect', sa.String(length=20), nullable=False),
        sa.Column('journey', sa.String(length=20), nullable=True),
        sa.Column('outcome', sa.String(length=16), nullable=False),
        sa.Column('result', sa.String(length=10), nullable=True),
        sa.Column('verified', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('rolled', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_turn_events')),
    )
    op.create_index(op.f('ix_turn_events_at'), 'turn_events', ['at'])
    op.create_index('ix_turn_events_thread_at', 'turn_events', ['thread', 'at'])
    op.create_index('ix_turn_events_unrolled', 'turn_events', ['rolled', 'thread'])
    op.create_table(
        'conversation_facts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('thread', sa.String(length=80), nullable=False),
        sa.Column('door', sa.String(length=10), nullable=False),
        sa.Column('lang', sa.String(length=2), nullable=False),
        sa.Column('contact', sa.String(length=16), nullable=True),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('ended_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('journey', sa.String(length=20), nullable=True),
        sa.Column('result', sa.String(length=10), nullable=False),
        sa.Column('step', sa.String(length=20), nullable=True),
        sa.Column('turns', sa.Integer(), nullable=False),
        sa.Column('not_understood', sa.Integer(), nullable=False),
        sa.Column('clarified', sa.Integer(), nullable=False),
        sa.Column('clarified_to', sa.String(length=20), nullable=True),
        sa.Column('stage', sa.String(length=40), nullable=False),
        sa.Column('repeated', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_conversation_facts')),
        sa.UniqueConstraint('thread', 'started_at', name='uq_conversation_facts_thread_started'),
    )
    op.create_index('ix_conversation_facts_range', 'conversation_facts', ['started_at'], postgresql_include=[
        'door', 'lang', 'journey', 'result', 'stage', 'step', 'repeated', 'ended_at', 'turns', 'not_understood',
        'clarified', 'clarified_to'])
    op.create_index('ix_conversation_facts_contact_started', 'conversation_facts', ['contact', 'started_at'])
    op.create_table(
        'missed_turns',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('door', sa.String(length=10), nullable=False),
        sa.Column('lang', sa.String(length=2), nullable=False),
        sa.Column('step', sa.String(length=20), nullable=False),
        sa.Column('said', sa.String(length=400), nullable=False),
        sa.Column('state', sa.String(length=10), server_default=sa.text("'new'"), nullable=False),
        sa.Column('label', sa.String(length=40), nullable=True),
        sa.Column('labelled_by', sa.Integer(), nullable=True),
        sa.Column('labelled_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_missed_turns')),
    )
    op.create_index(op.f('ix_missed_turns_at'), 'missed_turns', ['at'])
    op.create_index(op.f('ix_missed_turns_state'), 'missed_turns', ['state'])
    # The Insights page reads cases by when they were made.
    op.create_index(op.f('ix_escalations_created_at'), 'escalations', ['created_at'])


def downgrade() -> None:
    op.drop_index(op.f('ix_escalations_created_at'), table_name='escalations')
    op.drop_table('missed_turns')
    op.drop_table('conversation_facts')
    op.drop_table('turn_events')
