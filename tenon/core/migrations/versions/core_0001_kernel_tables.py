"""kernel tables

Revision ID: core_0001
Revises:
Create Date: 2026-11-24 06:24:38.240522
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
import tenon.core.db


revision: str = 'core_0001'
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ('core',)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('core_attachment',
    sa.Column('entity_type', sa.String(length=100), nullable=True),
    sa.Column('entity_id', sa.String(length=64), nullable=True),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('storage_key', sa.String(length=255), nullable=False),
    sa.Column('created_at', tenon.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_attachment')),
    sa.UniqueConstraint('storage_key', name=op.f('uq_core_attachment_storage_key'))
    )
    with op.batch_alter_table('core_attachment', schema=None) as batch_op:
        batch_op.create_index('ix_core_attachment_entity', ['entity_type', 'entity_id'], unique=False)

    op.create_table('core_audit_entry',
    sa.Column('at', tenon.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=True),
    sa.Column('operation', sa.String(length=200), nullable=False),
    sa.Column('request_id', sa.String(length=64), nullable=True),
    sa.Column('entity_type', sa.String(length=100), nullable=False),
    sa.Column('entity_id', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_audit_entry')),
    sa.UniqueConstraint('hash', name=op.f('uq_core_audit_entry_hash'))
    )
    with op.batch_alter_table('core_audit_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_core_audit_entry_actor'), ['actor'], unique=False)
        batch_op.create_index(batch_op.f('ix_core_audit_entry_at'), ['at'], unique=False)
        batch_op.create_index('ix_core_audit_entry_entity', ['entity_type', 'entity_id'], unique=False)

    op.create_table('core_casbin_rule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ptype', sa.String(length=255), nullable=False),
    sa.Column('v0', sa.String(length=255), nullable=True),
    sa.Column('v1', sa.String(length=255), nullable=True),
    sa.Column('v2', sa.String(length=255), nullable=True),
    sa.Column('v3', sa.String(length=255), nullable=True),
    sa.Column('v4', sa.String(length=255), nullable=True),
    sa.Column('v5', sa.String(length=255), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_casbin_rule'))
    )
    op.create_table('core_login_failure',
    sa.Column('username', sa.String(length=100), nullable=False),
    sa.Column('at', tenon.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_login_failure'))
    )
    with op.batch_alter_table('core_login_failure', schema=None) as batch_op:
        batch_op.create_index('ix_core_login_failure_username_at', ['username', 'at'], unique=False)

    op.create_table('core_outbox',
    sa.Column('event', sa.String(length=100), nullable=False),
    sa.Column('subscriber', sa.String(length=200), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('created_at', tenon.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', tenon.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('delivered_at', tenon.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_outbox'))
    )
    with op.batch_alter_table('core_outbox', schema=None) as batch_op:
        batch_op.create_index('ix_core_outbox_pending', ['delivered_at', 'next_attempt_at'], unique=False)

    op.create_table('core_plugin',
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('version', sa.String(length=32), nullable=False),
    sa.Column('installed_at', tenon.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_core_plugin'))
    )
    op.create_table('core_sequence',
    sa.Column('code', sa.String(length=100), nullable=False),
    sa.Column('plugin', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=32), nullable=False),
    sa.Column('date_format', sa.String(length=32), nullable=False),
    sa.Column('padding', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_core_sequence'))
    )
    op.create_table('core_setting',
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_core_setting'))
    )
    op.create_table('core_user',
    sa.Column('username', sa.String(length=100), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('attributes', sa.JSON(), nullable=False),
    sa.Column('created_at', tenon.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_user')),
    sa.UniqueConstraint('username', name=op.f('uq_core_user_username'))
    )
    op.create_table('core_idempotency',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('request_hash', sa.String(length=64), nullable=False),
    sa.Column('response', sa.JSON(), nullable=False),
    sa.Column('created_at', tenon.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['core_user.id'], name=op.f('fk_core_idempotency_user_id_core_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_idempotency')),
    sa.UniqueConstraint('user_id', 'key', name=op.f('uq_core_idempotency_user_id_key'))
    )
    op.create_table('core_notification',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('event', sa.String(length=100), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('entity_type', sa.String(length=100), nullable=True),
    sa.Column('entity_id', sa.String(length=64), nullable=True),
    sa.Column('created_at', tenon.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('read_at', tenon.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('dedupe_key', sa.String(length=200), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['core_user.id'], name=op.f('fk_core_notification_user_id_core_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_notification')),
    sa.UniqueConstraint('dedupe_key', name=op.f('uq_core_notification_dedupe_key'))
    )
    with op.batch_alter_table('core_notification', schema=None) as batch_op:
        batch_op.create_index('ix_core_notification_user_read', ['user_id', 'read_at'], unique=False)

    op.create_table('core_sequence_counter',
    sa.Column('code', sa.String(length=100), nullable=False),
    sa.Column('period', sa.String(length=32), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['code'], ['core_sequence.code'], name=op.f('fk_core_sequence_counter_code_core_sequence'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('code', 'period', name=op.f('pk_core_sequence_counter'))
    )
    op.create_table('core_token',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('created_at', tenon.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', tenon.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', tenon.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['core_user.id'], name=op.f('fk_core_token_user_id_core_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_core_token_token_hash'))
    )
    with op.batch_alter_table('core_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_core_token_user_id'), ['user_id'], unique=False)

    if op.get_bind().dialect.name == "postgresql":
        # The audit log is append-only, even for someone with SQL access (#3).
        op.execute(
            "CREATE FUNCTION core_audit_append_only() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION 'core_audit_entry is append-only'; END; $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER core_audit_entry_append_only BEFORE UPDATE OR DELETE ON core_audit_entry "
            "FOR EACH ROW EXECUTE FUNCTION core_audit_append_only()"
        )
        op.execute(
            "CREATE TRIGGER core_audit_entry_no_truncate BEFORE TRUNCATE ON core_audit_entry "
            "FOR EACH STATEMENT EXECUTE FUNCTION core_audit_append_only()"
        )


def downgrade() -> None:
    with op.batch_alter_table('core_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_core_token_user_id'))

    op.drop_table('core_token')
    op.drop_table('core_sequence_counter')
    with op.batch_alter_table('core_notification', schema=None) as batch_op:
        batch_op.drop_index('ix_core_notification_user_read')

    op.drop_table('core_notification')
    op.drop_table('core_idempotency')
    op.drop_table('core_user')
    op.drop_table('core_setting')
    op.drop_table('core_sequence')
    op.drop_table('core_plugin')
    with op.batch_alter_table('core_outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_core_outbox_pending')

    op.drop_table('core_outbox')
    with op.batch_alter_table('core_login_failure', schema=None) as batch_op:
        batch_op.drop_index('ix_core_login_failure_username_at')

    op.drop_table('core_login_failure')
    op.drop_table('core_casbin_rule')
    with op.batch_alter_table('core_audit_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_core_audit_entry_entity')
        batch_op.drop_index(batch_op.f('ix_core_audit_entry_at'))
        batch_op.drop_index(batch_op.f('ix_core_audit_entry_actor'))

    op.drop_table('core_audit_entry')
    with op.batch_alter_table('core_attachment', schema=None) as batch_op:
        batch_op.drop_index('ix_core_attachment_entity')

    op.drop_table('core_attachment')
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS core_audit_append_only()")
