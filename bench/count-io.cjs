// Counts what an engine process sends: PostgreSQL round trips (pg's Client.query calls, by statement
// shape), Redis commands (by name; a Lua script by its sha's first 8 characters), socket writes (by
// remote port), and the promises it makes per HTTP response. Loaded into the engines of a benchmark run with
//   BENCH_NODE_OPTIONS="--require $PWD/bench/count-io.cjs" node bench/fulfillment.mjs …
// each process writes its counts to $COUNT_IO_DIR (default /tmp/ordo-count-io)/<pid>.json every half
// second and at exit; `node bench/count-io.cjs [dir]` prints them. Measurement only: it wraps the
// drivers' methods, so CPU figures of the same run are not comparable with a run without it.
const fs = require('node:fs');
const path = require('node:path');

const DIR = process.env.COUNT_IO_DIR || '/tmp/ordo-count-io';

function install() {
  const root = process.cwd();
  const counts = { argv: process.argv.slice(1).join(' '), pgQueries: 0, socketWrites: 0, writesByPort: {}, redis: {}, pg: {}, promises: 0, httpResponses: 0 };
  const bump = (o, k) => (o[k] = (o[k] ?? 0) + 1);
  try {
    const pg = require(require.resolve('pg', { paths: [root] }));
    const query = pg.Client.prototype.query;
    pg.Client.prototype.query = function (...args) {
      counts.pgQueries++;
      const text = typeof args[0] === 'string' ? args[0] : args[0]?.text ?? '';
      // The shape: literals and numbers out, so that one statement's calls count together.
      bump(counts.pg, text.replace(/\s+/g, ' ').replace(/'(?:[^']|'')*'/g, '?').replace(/\b\d+\b/g, 'N').slice(0, 90));
      return query.apply(this, args);
    };
  } catch { /* no pg in this process */ }
  try {
    const ioredis = require(require.resolve('ioredis', { paths: [root] }));
    const Redis = ioredis.default ?? ioredis;
    const send = Redis.prototype.sendCommand;
    Redis.prototype.sendCommand = function (command, ...rest) {
      const name = command?.name === 'evalsha' ? `evalsha:${String(command.args?.[0]).slice(0, 8)}` : String(command?.name);
      bump(counts.redis, name);
      return send.call(this, command, ...rest);
    };
  } catch { /* no ioredis in this process */ }
  const net = require('node:net');
  const write = net.Socket.prototype._writeGeneric;
  net.Socket.prototype._writeGeneric = function (...args) {
    counts.socketWrites++;
    bump(counts.writesByPort, String(this.remotePort));
    return write.apply(this, args);
  };
  // Promises made (each one, on Node 20, runs AsyncLocalStorage's promise hooks and is garbage to collect)
  // and HTTP responses sent, for promises per request.
  require('node:async_hooks').createHook({ init(_id, type) { if (type === 'PROMISE') counts.promises++; } }).enable();
  const http = require('node:http');
  const end = http.ServerResponse.prototype.end;
  http.ServerResponse.prototype.end = function (...args) {
    counts.httpResponses++;
    return end.apply(this, args);
  };
  // The counts each half second, so that the report can give promises per response under load only.
  counts.series = [];
  fs.mkdirSync(DIR, { recursive: true });
  const dump = () => fs.writeFileSync(path.join(DIR, `${process.pid}.json`), JSON.stringify(counts));
  setInterval(() => {
    counts.series.push([counts.promises, counts.httpResponses]);
    dump();
  }, 500).unref();
  process.on('exit', dump);
}

function report(dir) {
  for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.json'))) {
    const c = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
    const top = (o, n) => Object.entries(o).sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `    ${String(v).padStart(7)}  ${k}`).join('\n');
    console.log(`${f}: ${c.argv.slice(-60)}\n  pg round trips ${c.pgQueries}, socket writes ${c.socketWrites} (by port: ${JSON.stringify(c.writesByPort).slice(0, 200)})`);
    if (c.httpResponses) console.log(`  promises ${c.promises}, HTTP responses ${c.httpResponses}: ${Math.round(c.promises / c.httpResponses)} promises per response (setup included)`);
    const load = underLoad(c.series ?? []);
    if (load) console.log(`  under load (${load.intervals} half seconds with at least half the busiest one's responses): ${load.perResponse.toFixed(1)} promises per response`);
    if (Object.keys(c.redis).length) console.log(`  redis commands:\n${top(c.redis, 12)}`);
    if (c.pgQueries) console.log(`  pg statements (shapes):\n${top(c.pg, 15)}`);
  }
}

/** Promises per response over the half seconds that answered at least half as many as the busiest one. */
function underLoad(series) {
  const steps = series.slice(1).map(([p, r], i) => [p - series[i][0], r - series[i][1]]);
  const busiest = Math.max(0, ...steps.map(([, r]) => r));
  const busy = steps.filter(([, r]) => busiest >= 20 && r >= busiest / 2);
  if (!busy.length) return null;
  const [p, r] = busy.reduce(([a, b], [x, y]) => [a + x, b + y], [0, 0]);
  return { intervals: busy.length, perResponse: p / r };
}

if (require.main === module) report(process.argv[2] || DIR);
else install();
