"""applied changes (R13) and the PIN lock kept in SQL (R9)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('applied_changes',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('line_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('request_id', sa.String(length=64), nullable=True),
    sa.Column('applied', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.String(length=60), nullable=False),
    sa.Column('rule', sa.String(length=10), nullable=True),
    sa.Column('data', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['line_id'], ['lines.id'], name=op.f('fk_applied_changes_line_id_lines'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_applied_changes'))
    )
    op.create_index(op.f('ix_applied_changes_line_id'), 'applied_changes', ['line_id'], unique=False)
    op.create_index(op.f('ix_applied_changes_request_id'), 'applied_changes', ['request_id'], unique=False)
    with op.batch_alter_table('lines') as batch:
        batch.add_column(sa.Column('pin_locked_until', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('lines') as batch:
        batch.drop_column('pin_locked_until')
    op.drop_index(op.f('ix_applied_changes_request_id'), table_name='applied_changes')
    op.drop_index(op.f('ix_applied_changes_line_id'), table_name='applied_changes')
    op.drop_table('applied_changes')
