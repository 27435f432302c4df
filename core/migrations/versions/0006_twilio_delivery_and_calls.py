"""a real Twilio account (issue 15): each text's delivery state and error code, and how each
call ended

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outbound_texts') as batch:
        batch.add_column(sa.Column('delivery_status', sa.String(length=20), nullable=True))
        batch.add_column(sa.Column('error_code', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('delivery_at', sa.DateTime(timezone=True), nullable=True))
        batch.create_index('ix_outbound_texts_provider_sid', ['provider_sid'], unique=False)
        batch.create_index('ix_outbound_texts_to_number', ['to_number'], unique=False)
    op.create_table('call_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('call_sid', sa.String(length=64), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('caller', sa.String(length=40), nullable=True),
    sa.Column('call_status', sa.String(length=20), nullable=False),
    sa.Column('duration_s', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('step', sa.String(length=20), nullable=True),
    sa.Column('lang', sa.String(length=2), nullable=True),
    sa.Column('escalation_id', sa.Integer(), nullable=True),
    sa.Column('line_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['escalation_id'], ['escalations.id'],
                            name=op.f('fk_call_events_escalation_id_escalations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['line_id'], ['lines.id'], name=op.f('fk_call_events_line_id_lines'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_call_events')),
    sa.UniqueConstraint('call_sid', name=op.f('uq_call_events_call_sid'))
    )
    op.create_index(op.f('ix_call_events_ended_at'), 'call_events', ['ended_at'], unique=False)
    op.create_index(op.f('ix_call_events_outcome'), 'call_events', ['outcome'], unique=False)
    op.create_index(op.f('ix_call_events_escalation_id'), 'call_events', ['escalation_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_call_events_escalation_id'), table_name='call_events')
    op.drop_index(op.f('ix_call_events_outcome'), table_name='call_events')
    op.drop_index(op.f('ix_call_events_ended_at'), table_name='call_events')
    op.drop_table('call_events')
    with op.batch_alter_table('outbound_texts') as batch:
        batch.drop_index('ix_outbound_texts_to_number')
        batch.drop_index('ix_outbound_texts_provider_sid')
        batch.drop_column('delivery_at')
        batch.drop_column('error_code')
        batch.drop_column('delivery_status')
