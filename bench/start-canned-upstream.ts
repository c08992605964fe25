import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CANNED_ANSWERS } from './canned-answers.ts';
import { freePort } from './free-port.ts';
import { pinToCores } from './pin-to-cores.ts';
import { waitForHttp } from './wait-for-http.ts';

/** Bytes per second of a slow stream once its first kilobyte (headers and first events) is sent. */
export const SLOW_STREAM_BYTES_PER_SECOND = 256;

export interface CannedUpstream {
  /** Base URL of the fast answers: `${baseUrl}/chat/completions`. */
  baseUrl: string;
  /** Base URL of the slow stream, for the memory row: a stream that lasts about 45 s. */
  slowBaseUrl: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * nginx serving the canned answers as static files: the fastest upstream this machine has, so
 * the upstream-alone row is the ceiling and the other rows show the proxy's own cost. POST is
 * what clients send; nginx's static module refuses it (405), which `error_page 405 =200 $uri`
 * turns into the file. Which file: the stream when the request accepts `text/event-stream` (the
 * gateway and the floor say so for `stream: true`, as OpenAI's SDK does), else the completion.
 * The probe in run.ts checks every target really gets the stream.
 */
export async function startCannedUpstream(nginx: string, folder: string, cores: readonly number[]): Promise<CannedUpstream> {
  const www = join(folder, 'www');
  mkdirSync(www, { recursive: true });
  writeFileSync(join(www, 'completion.json'), CANNED_ANSWERS.completion);
  writeFileSync(join(www, 'stream.sse'), CANNED_ANSWERS.stream);
  writeFileSync(join(www, 'slow-stream.sse'), CANNED_ANSWERS.stream);
  const port = await freePort();
  const temporary = (name: string) => `${name}_temp_path ${join(folder, name)};`;
  writeFileSync(
    join(folder, 'nginx.conf'),
    `# One process (no master, no user switch: it reads files in a private temp folder), no logs.
daemon off;
master_process off;
worker_processes 1;
worker_rlimit_nofile 65536;
pid ${join(folder, 'nginx.pid')};
error_log stderr error;
events { worker_connections 16384; multi_accept on; }
http {
  access_log off;
  server_tokens off;
  etag off;
  sendfile on;
  tcp_nodelay on;
  keepalive_requests 100000000;
  keepalive_timeout 300s;
  ${['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(temporary).join('\n  ')}
  types { application/json json; text/event-stream sse; }
  map $http_accept $canned_answer { ~text/event-stream /stream.sse; default /completion.json; }
  server {
    listen 127.0.0.1:${port} backlog=4096;
    root ${www};
    location ~ ^/slow/.*/chat/completions$ { rewrite ^ /slow-stream.sse last; }
    location ~ /chat/completions$ { rewrite ^ $canned_answer last; }
    location = /completion.json { error_page 405 =200 $uri; }
    location = /stream.sse { error_page 405 =200 $uri; }
    location = /slow-stream.sse { error_page 405 =200 $uri; limit_rate_after 1k; limit_rate ${SLOW_STREAM_BYTES_PER_SECOND}; }
  }
}
`,
  );
  const [command, args] = pinToCores(cores, nginx, ['-e', 'stderr', '-p', folder, '-c', join(folder, 'nginx.conf')]);
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = once(child, 'exit');
  await Promise.race([waitForHttp(`http://127.0.0.1:${port}/completion.json`, 10_000), exited.then(() => Promise.reject(new Error('nginx exited at start')))]);
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    slowBaseUrl: `http://127.0.0.1:${port}/slow/v1`,
    pid: child.pid!,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}
