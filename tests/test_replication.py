"""The cluster itself: GTID replication works and the replica cannot be written by ordinary users."""

from __future__ import annotations

import pymysql
import pytest

from tests.db import connect, query


def test_write_on_master_is_visible_on_replica(migrated, cluster_env):
    writer = connect(migrated.master, "library_writer", cluster_env["DB_WRITER_PASSWORD"])
    with writer.cursor() as cur:
        cur.execute("INSERT INTO reader (first_name, last_name, email, phone, address) "
                    "VALUES ('Rép', 'Lica', 'replication-check@example.org', '', '')")
        new_id = cur.lastrowid
    migrated.wait_replica_caught_up()
    assert query(migrated.slave, "SELECT first_name FROM library.reader WHERE id = %s", (new_id,)) == [("Rép",)]
    with writer.cursor() as cur:
        cur.execute("DELETE FROM reader WHERE id = %s", (new_id,))


def test_replication_uses_gtid_and_both_threads_run(migrated):
    status = migrated.replica_status()
    assert status["Using_Gtid"] == "Slave_Pos"
    assert (status["Slave_IO_Running"], status["Slave_SQL_Running"]) == ("Yes", "Yes")


def test_replica_is_read_only_for_the_app_writer_account(migrated, cluster_env):
    conn = connect(migrated.slave, "library_writer", cluster_env["DB_WRITER_PASSWORD"])
    with pytest.raises(pymysql.err.OperationalError) as error, conn.cursor() as cur:
        cur.execute("INSERT INTO reader (first_name, last_name, email, phone, address) "
                    "VALUES ('No', 'Way', 'replica-write@example.org', '', '')")
    assert error.value.args[0] == 1290  # running with --read-only


def test_reader_account_can_only_select(migrated, cluster_env):
    conn = connect(migrated.master, "library_reader", cluster_env["DB_READER_PASSWORD"])
    with conn.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM reader")
        assert cur.fetchone()[0] > 0
        with pytest.raises(pymysql.err.OperationalError) as error:
            cur.execute("DELETE FROM reader")
    assert error.value.args[0] == 1142  # command denied


def test_root_has_no_tcp_login(migrated):
    with pytest.raises(pymysql.err.OperationalError) as error:
        pymysql.connect(host="127.0.0.1", port=migrated.master.port, user="root", password="", connect_timeout=2)
    assert error.value.args[0] == 1045  # access denied: root logs in over the socket only
