"""a line's preferred language (R20)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('lines') as batch:
        batch.add_column(sa.Column('language', sa.String(length=2), server_default='en', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('lines') as batch:
        batch.drop_column('language')
