"""App Store notifications

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('plans') as batch:
        batch.add_column(sa.Column('original_transaction_id', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('product_id', sa.String(length=200), nullable=True))
        batch.create_index(batch.f('ix_plans_original_transaction_id'), ['original_transaction_id'], unique=True)
    op.create_table('appstore_notifications',
    sa.Column('uuid', sa.String(length=64), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('notification_type', sa.String(length=40), nullable=False),
    sa.Column('subtype', sa.String(length=40), nullable=True),
    sa.Column('environment', sa.String(length=20), nullable=False),
    sa.Column('signed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('original_transaction_id', sa.String(length=64), nullable=True),
    sa.Column('product_id', sa.String(length=200), nullable=True),
    sa.Column('order_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('facts', sa.JSON(), nullable=False),
    sa.Column('signed_payload', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.String(length=60), nullable=True),
    sa.Column('evaluated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('handled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('line_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['line_id'], ['lines.id'], name=op.f('fk_appstore_notifications_line_id_lines'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('uuid', name=op.f('pk_appstore_notifications'))
    )
    op.create_index(op.f('ix_appstore_notifications_line_id'), 'appstore_notifications', ['line_id'], unique=False)
    op.create_index(op.f('ix_appstore_notifications_original_transaction_id'), 'appstore_notifications',
                    ['original_transaction_id'], unique=False)
    op.create_index(op.f('ix_appstore_notifications_status'), 'appstore_notifications', ['status'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_appstore_notifications_status'), table_name='appstore_notifications')
    op.drop_index(op.f('ix_appstore_notifications_original_transaction_id'), table_name='appstore_notifications')
    op.drop_index(op.f('ix_appstore_notifications_line_id'), table_name='appstore_notifications')
    op.drop_table('appstore_notifications')
    with op.batch_alter_table('plans') as batch:
        batch.drop_index(batch.f('ix_plans_original_transaction_id'))
        batch.drop_column('product_id')
        batch.drop_column('original_transaction_id')
