"""The todos of the example feature, with attachments in a BLOB column.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 08:26:33
"""

import sqlalchemy as sa
from alembic import op
{%- if cookiecutter.database == "mysql" %}
from sqlalchemy.dialects import mysql
{%- endif %}

# revision identifiers, used by Alembic.
revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "todos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attachment_name", sa.String(length=255), nullable=True),
        sa.Column("attachment_type", sa.String(length=127), nullable=True),
        sa.Column("attachment_size", sa.Integer(), nullable=True),
{%- if cookiecutter.database == "mysql" %}
        sa.Column(
            "attachment",
            sa.LargeBinary().with_variant(mysql.LONGBLOB(), "mysql", "mariadb"),
            nullable=True,
        ),
{%- else %}
        sa.Column("attachment", sa.LargeBinary(), nullable=True),
{%- endif %}
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_todos_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_todos")),
    )
    op.create_index(op.f("ix_todos_user_id_id"), "todos", ["user_id", "id"], unique=False)


def downgrade():
    # Dropping the table drops its index too (MySQL refuses to drop an index a foreign
    # key still needs).
    op.drop_table("todos")
