// A lean HTTP/1.1 keep-alive client for load loops: one socket per simulated client, one request at a time
// on it (as a storefront's server-side client does), the request head written once per URL. The load
// generator shares this machine's two cores with the engine and PostgreSQL: global `fetch` spent about
// 0.5 ms of CPU per request, three times what the SQL ceiling's pg client spends per transaction, and that
// CPU was taken from the engine under test. Here a request costs the generator a few tens of microseconds
// (like wrk or autocannon). Only what the engine sends is understood: a status line, headers, a body of
// Content-Length bytes (the engine answers every POST /graphql so).
import net from 'node:net';

export class KeepAliveClient {
  #url; #socket = null; #buf = Buffer.alloc(0); #pending = null; #head;
  constructor(url, { timeoutMs = 30_000 } = {}) {
    this.#url = new URL(url);
    this.timeoutMs = timeoutMs;
    this.#head = `POST ${this.#url.pathname}${this.#url.search} HTTP/1.1\r\nHost: ${this.#url.host}\r\n` +
      'Content-Type: application/json\r\nConnection: keep-alive\r\n';
  }

  /** POST a GraphQL request; resolves { status, body (parsed JSON), headers }. */
  gql(query, variables) {
    const payload = JSON.stringify({ query, variables });
    return this.#send(payload).then((r) => {
      let body;
      try { body = JSON.parse(r.text); } catch { body = { errors: [{ message: `non-JSON answer (HTTP ${r.status}): ${r.text.slice(0, 120)}` }] }; }
      return { status: r.status, body, headers: r.headers };
    });
  }

  close() { this.#socket?.destroy(); this.#socket = null; }

  #connect() {
    const s = net.connect({ host: this.#url.hostname, port: Number(this.#url.port || 80), noDelay: true });
    s.on('data', (d) => { this.#buf = this.#buf.length ? Buffer.concat([this.#buf, d]) : d; this.#parse(); });
    const fail = (e) => {
      if (this.#socket === s) this.#socket = null;
      this.#buf = Buffer.alloc(0);
      const p = this.#pending; this.#pending = null;
      if (p) { clearTimeout(p.timer); p.reject(e ?? new Error('connection closed')); }
    };
    s.on('error', fail);
    s.on('close', () => fail(null));
    this.#socket = s;
    return s;
  }

  #send(payload) {
    if (this.#pending) return Promise.reject(new Error('one request at a time per client'));
    const s = this.#socket ?? this.#connect();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { this.close(); reject(new Error(`timeout after ${this.timeoutMs} ms`)); }, this.timeoutMs);
      this.#pending = { resolve, reject, timer };
      s.write(`${this.#head}Content-Length: ${Buffer.byteLength(payload)}\r\n\r\n${payload}`);
    });
  }

  #parse() {
    const end = this.#buf.indexOf('\r\n\r\n');
    if (end < 0) return;
    const head = this.#buf.toString('latin1', 0, end);
    const m = /^content-length:\s*(\d+)/im.exec(head);
    const p = this.#pending;
    if (!m) { this.close(); if (p) { this.#pending = null; clearTimeout(p.timer); p.reject(new Error(`answer without Content-Length: ${head.split('\r\n')[0]}`)); } return; }
    const len = Number(m[1]), start = end + 4;
    if (this.#buf.length < start + len) return;
    const text = this.#buf.toString('utf8', start, start + len);
    this.#buf = this.#buf.subarray(start + len);
    const status = Number(head.slice(9, 12));
    if (/^connection:\s*close/im.test(head)) this.close();
    if (!p) return;
    this.#pending = null;
    clearTimeout(p.timer);
    const headers = {};
    for (const line of head.split('\r\n').slice(1)) { const i = line.indexOf(':'); headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim(); }
    p.resolve({ status, text, headers });
  }
}
