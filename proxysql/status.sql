-- The cluster as ProxySQL sees it (`make status`): one row per backend and hostgroup with its
-- routing status, pool counters and the monitor's latest read_only and replication-lag checks.
SELECT s.hostgroup_id AS hg,
       CASE s.hostgroup_id WHEN 10 THEN 'writer' ELSE 'reader' END AS role,
       s.hostname || ':' || s.port AS server,
       s.status,
       s.weight,
       COALESCE((SELECT CASE WHEN r.error IS NOT NULL THEN 'error' WHEN r.read_only = 1 THEN 'ON'
                             WHEN r.read_only = 0 THEN 'OFF' ELSE 'unknown' END
                 FROM monitor.mysql_server_read_only_log r
                 WHERE r.hostname = s.hostname AND r.port = s.port
                 ORDER BY r.time_start_us DESC LIMIT 1), '?') AS read_only,
       CASE WHEN s.max_replication_lag = 0 THEN '-'
            ELSE COALESCE((SELECT CASE WHEN l.error IS NOT NULL THEN 'error'
                                       ELSE COALESCE(CAST(l.repl_lag AS TEXT), 'unknown') END
                           FROM monitor.mysql_server_replication_lag_log l
                           WHERE l.hostname = s.hostname AND l.port = s.port
                           ORDER BY l.time_start_us DESC LIMIT 1), '?') END AS lag_s,
       CASE WHEN s.max_replication_lag = 0 THEN '-' ELSE s.max_replication_lag END AS max_lag_s,
       COALESCE(p.ConnUsed, 0) AS conn_used,
       COALESCE(p.ConnFree, 0) AS conn_free,
       COALESCE(p.ConnERR, 0) AS conn_err,
       COALESCE(p.Queries, 0) AS queries
FROM runtime_mysql_servers s
LEFT JOIN stats_mysql_connection_pool p
  ON p.hostgroup = s.hostgroup_id AND p.srv_host = s.hostname AND p.srv_port = s.port
ORDER BY s.hostgroup_id, s.port;
