"""Durability: acknowledged writes survive a master crash; a crashed replica resumes with no gap.

SIGKILL is a process crash, not a power cut: the page cache survives it, so these tests prove crash
recovery (binary log and InnoDB agree, the replica's position is transactional), while
test_durability_settings_are_live proves the fsync-per-commit settings that cover power loss.
"""

from __future__ import annotations

import itertools
import threading

import pymysql

from native.cluster import wait_until
from tests.db import connect

_run = itertools.count()


class Writer(threading.Thread):
    """Inserts readers one autocommit statement at a time, remembering which were acknowledged."""

    def __init__(self, cluster, env: dict[str, str], tag: str):
        super().__init__(daemon=True)
        self.cluster, self.env, self.tag = cluster, env, tag
        self.acknowledged: list[str] = []
        self.error: pymysql.MySQLError | None = None
        self.stop = threading.Event()

    def run(self) -> None:
        conn = connect(self.cluster.master, "library_writer", self.env["DB_WRITER_PASSWORD"])
        try:
            for n in itertools.count():
                if self.stop.is_set():
                    return
                email = f"durable.{self.tag}.{n}@example.org"
                conn.cursor().execute("INSERT INTO reader (first_name, last_name, email, phone, address) "
                                      "VALUES ('Dur', 'Able', %s, '', '')", (email,))
                self.acknowledged.append(email)  # the commit returned: the write is acknowledged
        except pymysql.MySQLError as exc:
            self.error = exc  # the master went away: everything acknowledged so far must survive
        finally:
            conn.close()


def emails(server, tag: str) -> set[str]:
    rows = server.root_query("SELECT email FROM library.reader WHERE email LIKE %s", (f"durable.{tag}.%",))
    return {row["email"] for row in rows}


def test_durability_settings_are_live(migrated):
    master = migrated.master.root_query(
        "SELECT @@sync_binlog AS sb, @@innodb_flush_log_at_trx_commit AS fl, @@log_bin AS lb")[0]
    assert (master["sb"], master["fl"], master["lb"]) == (1, 1, 1)
    replica = migrated.slave.root_query(
        "SELECT @@relay_log_recovery AS rr, @@gtid_pos_auto_engines AS ge, @@read_only AS ro, "
        "@@sync_binlog AS sb, @@innodb_flush_log_at_trx_commit AS fl")[0]
    assert (replica["rr"], replica["ro"], replica["sb"], replica["fl"]) == (1, 1, 1, 1)
    assert "innodb" in replica["ge"].lower()
    # The applied position is written in the same InnoDB transaction as the replicated rows.
    engines = migrated.slave.root_query(
        "SELECT ENGINE AS e FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'mysql' "
        "AND TABLE_NAME LIKE 'gtid\\_slave\\_pos%%'")
    assert "InnoDB" in {row["e"] for row in engines}
    assert migrated.replica_status()["Using_Gtid"] == "Slave_Pos"


def test_writes_acknowledged_before_master_sigkill_survive(servers_restored, cluster_env):
    cluster, tag = servers_restored, f"m{next(_run)}"
    writer = Writer(cluster, cluster_env, tag)
    writer.start()
    wait_until(lambda: len(writer.acknowledged) >= 200 or writer.error, timeout=30, message="writes to flow")
    assert writer.error is None
    cluster.master.kill()  # mid-stream: the writer is committing as fast as it can
    writer.join(timeout=30)
    assert writer.error is not None  # it was still writing when the master died
    acknowledged = set(writer.acknowledged)
    cluster.master.start()
    assert acknowledged <= emails(cluster.master, tag)
    cluster.wait_replica_caught_up(timeout=60)  # the replica's IO thread reconnects by itself
    assert acknowledged <= emails(cluster.slave, tag)
    assert emails(cluster.slave, tag) == emails(cluster.master, tag)


def test_replica_killed_mid_stream_resumes_without_gap_or_duplicate(servers_restored, cluster_env):
    cluster, tag = servers_restored, f"r{next(_run)}"
    writer = Writer(cluster, cluster_env, tag)
    writer.start()
    try:
        wait_until(lambda: len(emails(cluster.slave, tag)) >= 100, timeout=30, message="the replica to apply")
        cluster.slave.kill()  # while it is applying the stream
        written_while_down = len(writer.acknowledged)
        wait_until(lambda: len(writer.acknowledged) >= written_while_down + 100, timeout=30,
                   message="writes while the replica is down")
        cluster.slave.start()
        cluster.slave.root_query("START SLAVE")
        wait_until(lambda: len(emails(cluster.slave, tag)) > written_while_down, timeout=30,
                   message="the replica to resume")
    finally:
        writer.stop.set()
        writer.join(timeout=30)
    cluster.wait_replica_caught_up(timeout=60)
    status = cluster.replica_status()
    assert (status["Slave_IO_Running"], status["Slave_SQL_Running"]) == ("Yes", "Yes")
    assert (status["Last_SQL_Errno"], status["Last_IO_Errno"]) == (0, 0)  # no 1062 duplicate-key stop
    assert writer.error is None
    assert emails(cluster.slave, tag) == emails(cluster.master, tag) == set(writer.acknowledged)


def test_each_server_has_its_own_tmpdir(migrated):
    """A starting mariadbd deletes every #sql* file in its tmpdir: in a shared /tmp, the temporary
    tables of queries running on every other server on the machine (seen as error 6 and crashes)."""
    tmpdirs = {server.root_query("SELECT @@tmpdir AS t")[0]["t"] for server in (migrated.master, migrated.slave)}
    assert tmpdirs == {str(migrated.master.home / "tmp"), str(migrated.slave.home / "tmp")}
