// nginx configurations for the benchmark: the upstream every path reaches (a small JSON, the token endpoint,
// a bearer-checked path and a client-certificate HTTPS port) and the nginx proxy peer. Each runs as its own
// nginx, one worker, under its own prefix directory.
import { createHash } from 'node:crypto';

/** `user:{SHA}base64(sha1(password))`, the htpasswd format nginx-light reads without extra modules. */
export function shaHtpasswdLine(user: string, password: string): string {
  return `${user}:{SHA}${createHash('sha1').update(password).digest('base64')}\n`;
}

/** The body every path answers with, and the bearer token the upstream's `/token` hands out. */
export const UPSTREAM_BODY = JSON.stringify({ ok: true, service: 'bench-upstream', items: [1, 2, 3] });
export const UPSTREAM_TOKEN = 'bench-access-token';

function commonHead(prefix: string): string {
  return `worker_processes 1;
daemon off;
master_process on;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
events { worker_connections 8192; }
`;
}

function tempPaths(prefix: string): string {
  return `  client_body_temp_path ${prefix}/body;
  proxy_temp_path ${prefix}/proxy;
  fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi;
  scgi_temp_path ${prefix}/scgi;
`;
}

/** The directories `tempPaths` names; create them under the prefix before starting nginx. */
export const NGINX_TEMP_DIRS = ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'] as const;

/**
 * The upstream: plain HTTP on `port` (`/token` answers a client-credentials grant, `/oauth/...` wants its bearer
 * token, anything else gets the JSON) and HTTPS on `tlsPort` demanding a client certificate issued by `caFile`.
 */
export function nginxUpstreamConfig(o: { prefix: string; port: number; tlsPort: number; certFile: string; keyFile: string; caFile: string }): string {
  const body = UPSTREAM_BODY.replaceAll("'", "\\'");
  const token = JSON.stringify({ access_token: UPSTREAM_TOKEN, token_type: 'Bearer', expires_in: 3600 });
  return `${commonHead(o.prefix)}http {
  access_log off;
${tempPaths(o.prefix)}  keepalive_requests 1000000;
  keepalive_timeout 120s;
  default_type application/json;
  server {
    listen 127.0.0.1:${o.port};
    location = /token { return 200 '${token}'; }
    location /oauth/ {
      if ($http_authorization != "Bearer ${UPSTREAM_TOKEN}") { return 401 '{"message":"bad token"}'; }
      return 200 '${body}';
    }
    location / { return 200 '${body}'; }
  }
  server {
    listen 127.0.0.1:${o.tlsPort} ssl;
    ssl_certificate ${o.certFile};
    ssl_certificate_key ${o.keyFile};
    ssl_client_certificate ${o.caFile};
    ssl_verify_client on;
    location / { return 200 '${body}'; }
  }
}
`;
}

/** The nginx peer: `auth_basic` in, `proxy_set_header Authorization` out, keep-alive to the upstream. */
export function nginxConfig(o: { prefix: string; port: number; upstreamPort: number; upstreamAuthorization: string }): string {
  return `${commonHead(o.prefix)}http {
  access_log ${o.prefix}/access.log;
${tempPaths(o.prefix)}  keepalive_requests 1000000;
  upstream backend {
    server 127.0.0.1:${o.upstreamPort};
    keepalive 64;
    keepalive_requests 1000000;
  }
  server {
    listen 127.0.0.1:${o.port};
    location /v1/ {
      auth_basic "bench";
      auth_basic_user_file ${o.prefix}/htpasswd;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Authorization "${o.upstreamAuthorization}";
      proxy_pass http://backend/;
    }
  }
}
`;
}
