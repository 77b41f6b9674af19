/**
 * nginx.conf -> Switchyard config document (Caddy JSON + upstream `weight`, `backup`,
 * `state`). Carried over: upstream { server ADDR weight= max_fails= fail_timeout= backup
 * down max_conns=; least_conn; ip_hash; hash KEY [consistent]; random [two]; keepalive N },
 * server { listen; server_name; add_header; return; location [=|^~] PATH { proxy_pass;
 * proxy_set_header; proxy_connect/read/send_timeout; add_header; return } }. Every other
 * directive is reported as a warning with its line.
 */
export { importNginx } from './import';
export { parseNginx, type Directive } from './parse';
