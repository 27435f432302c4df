"""R21: a text that holds a one-time code, whose words are cleared once it is sent or given up

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outbound_texts') as batch:
        batch.add_column(sa.Column('secret', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('outbound_texts') as batch:
        batch.drop_column('secret')
