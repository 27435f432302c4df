"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-26
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('accounts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_accounts'))
    )
    op.create_table('available_numbers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_available_numbers')),
    sa.UniqueConstraint('number', name=op.f('uq_available_numbers_number'))
    )
    op.create_table('outbound_texts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('to_number', sa.String(length=20), nullable=False),
    sa.Column('from_number', sa.String(length=20), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('provider_sid', sa.String(length=64), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('request_id', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbound_texts'))
    )
    with op.batch_alter_table('outbound_texts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbound_texts_status'), ['status'], unique=False)

    op.create_table('text_opt_outs',
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('opted_out_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('number', name=op.f('pk_text_opt_outs'))
    )
    op.create_table('lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('login_id', sa.String(length=100), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('is_admin', sa.Boolean(), nullable=False),
    sa.Column('pin_hash', sa.String(length=64), nullable=False),
    sa.Column('pin_salt', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('status_reason', sa.String(length=20), nullable=True),
    sa.Column('usage_credits', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('released_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_lines_account_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lines')),
    sa.UniqueConstraint('login_id', name=op.f('uq_lines_login_id')),
    sa.UniqueConstraint('number', name=op.f('uq_lines_number'))
    )
    with op.batch_alter_table('lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lines_account_id'), ['account_id'], unique=False)

    op.create_table('audit_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=20), nullable=False),
    sa.Column('actor_id', sa.String(length=100), nullable=True),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('target', sa.String(length=200), nullable=True),
    sa.Column('outcome', sa.String(length=40), nullable=False),
    sa.Column('request_id', sa.String(length=64), nullable=True),
    sa.Column('line_id', sa.Integer(), nullable=True),
    sa.Column('details', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['line_id'], ['lines.id'], name=op.f('fk_audit_events_line_id_lines'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_events_line_id'), ['line_id'], unique=False)

    op.create_table('blocked_numbers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('line_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['line_id'], ['lines.id'], name=op.f('fk_blocked_numbers_line_id_lines'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_blocked_numbers')),
    sa.UniqueConstraint('line_id', 'number', name='uq_blocked_numbers_line_number')
    )
    op.create_table('contact_numbers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('line_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['line_id'], ['lines.id'], name=op.f('fk_contact_numbers_line_id_lines'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_numbers')),
    sa.UniqueConstraint('line_id', 'number', name='uq_contact_numbers_line_number')
    )
    with op.batch_alter_table('contact_numbers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_numbers_number'), ['number'], unique=False)

    op.create_table('escalations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('request_id', sa.String(length=64), nullable=True),
    sa.Column('caller', sa.String(length=40), nullable=True),
    sa.Column('line_id', sa.Integer(), nullable=True),
    sa.Column('verified', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.String(length=40), nullable=False),
    sa.Column('context', sa.JSON(), nullable=True),
    sa.Column('outcome', sa.String(length=40), nullable=False),
    sa.Column('recording_url', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['line_id'], ['lines.id'], name=op.f('fk_escalations_line_id_lines'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_escalations'))
    )
    with op.batch_alter_table('escalations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_escalations_request_id'), ['request_id'], unique=False)

    op.create_table('plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('line_id', sa.Integer(), nullable=False),
    sa.Column('product', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('period', sa.String(length=10), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('term_end', sa.Date(), nullable=False),
    sa.Column('auto_renew', sa.Boolean(), nullable=False),
    sa.Column('ended', sa.Boolean(), nullable=False),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['line_id'], ['lines.id'], name=op.f('fk_plans_line_id_lines'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plans'))
    )
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plans_line_id'), ['line_id'], unique=False)
        batch_op.create_index('uq_plans_one_number_plan', ['line_id'], unique=True, postgresql_where=sa.text("kind = 'number'"), sqlite_where=sa.text("kind = 'number'"))



def downgrade() -> None:
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.drop_index('uq_plans_one_number_plan', postgresql_where=sa.text("kind = 'number'"), sqlite_where=sa.text("kind = 'number'"))
        batch_op.drop_index(batch_op.f('ix_plans_line_id'))

    op.drop_table('plans')
    with op.batch_alter_table('escalations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_escalations_request_id'))

    op.drop_table('escalations')
    with op.batch_alter_table('contact_numbers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_numbers_number'))

    op.drop_table('contact_numbers')
    op.drop_table('blocked_numbers')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_events_line_id'))

    op.drop_table('audit_events')
    with op.batch_alter_table('lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lines_account_id'))

    op.drop_table('lines')
    op.drop_table('text_opt_outs')
    with op.batch_alter_table('outbound_texts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbound_texts_status'))

    op.drop_table('outbound_texts')
    op.drop_table('available_numbers')
    op.drop_table('accounts')
