import { createHash } from 'node:crypto';

/** `user:{SHA}base64(sha1(password))`, the htpasswd format nginx-light reads without extra modules. */
export function shaHtpasswdLine(user: string, password: string): string {
  return `${user}:{SHA}${createHash('sha1').update(password).digest('base64')}\n`;
}

export function nginxConfig(o: { prefix: string; port: number; upstreamPort: number; upstreamAuthorization: string }): string {
  return `worker_processes 1;
daemon off;
master_process on;
pid ${o.prefix}/nginx.pid;
error_log ${o.prefix}/error.log warn;
events { worker_connections 4096; }
http {
  access_log ${o.prefix}/access.log;
  client_body_temp_path ${o.prefix}/body;
  proxy_temp_path ${o.prefix}/proxy;
  fastcgi_temp_path ${o.prefix}/fastcgi;
  uwsgi_temp_path ${o.prefix}/uwsgi;
  scgi_temp_path ${o.prefix}/scgi;
  keepalive_requests 1000000;
  upstream backend {
    server 127.0.0.1:${o.upstreamPort};
    keepalive 64;
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
