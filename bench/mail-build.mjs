#!/usr/bin/env node
// A customer mail's MIME build: CPU per mail of nodemailer building the engine's order confirmation (the
// compiled template, dist/src/notifications/templates.js, for a 3-line order) as the .eml sender does
// (stream transport, buffered), with the transfer encoding decided up front (notifications/
// mail-encoding.ts, as the engine sends) and left to nodemailer's own count, alternated in rounds.
//   node bench/mail-build.mjs [--mails 10000] [--rounds 3] [--build]
// No database, Redis or engine process: this process alone. Also checks that both ways give the same bytes.
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { ROOT, parseArgs, requireFromRoot, ensureBuilt } from './lib.mjs';

const A = parseArgs(process.argv.slice(2));
const MAILS = Number(A.mails ?? 10_000);
const ROUNDS = Number(A.rounds ?? 3);
if (!(MAILS >= 100) || !(ROUNDS >= 1)) {
  console.error('usage: node bench/mail-build.mjs [--mails 10000] [--rounds 3] [--build]');
  process.exit(2);
}
await ensureBuilt(A.build, ['dist/src/notifications/templates.js', 'dist/src/notifications/mail-encoding.js']);
const load = (f) => import(pathToFileURL(join(ROOT, 'dist/src/notifications', f)).href);
const { defaultTemplates } = await load('templates.js');
const { textEncodingOf } = await load('mail-encoding.js');
const nodemailer = requireFromRoot('nodemailer');
const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });

const euro = new Intl.NumberFormat('en-IE', { style: 'currency', currency: 'EUR' });
const lines = [['Rain Jacket', 'RJ-M', 2, 17900], ['Merino Socks', 'MS-42', 3, 2700], ['Canvas Tote', 'CT-1', 1, 1900]]
  .map(([name, sku, quantity, lineTotal], i) => ({ id: `l${i}`, name, sku, quantity, lineTotal }));
const rendered = defaultTemplates['order.confirmed']({
  event: { type: 'order.confirmed', payload: {} }, order: { number: 'ORD-001234', total: 28500, discounts: [] }, lines, shipment: null,
  shopName: 'Ordo Demo Shop', money: (minor) => euro.format(minor / 100),
});
const mail = (i) => ({ messageId: `<order-confirmed-${i}@ordo.local>`, from: 'Ordo Demo Shop <shop@example.com>', to: `customer-${i}@example.com`, subject: rendered.subject, text: rendered.text, html: rendered.html });

const ways = { 'decided up front': (m) => ({ ...m, ...textEncodingOf(m) }), 'nodemailer counts': (m) => m };
const fixed = { date: new Date(0), baseBoundary: 'bench' };
const [a, b] = await Promise.all(Object.values(ways).map(async (w) => (await transport.sendMail({ ...w(mail(0)), ...fixed })).message.toString('latin1')));
console.log(`same bytes both ways: ${a === b}; ${a.length} bytes a mail; encoding decided up front: ${JSON.stringify(textEncodingOf(mail(0)))}`);
if (a !== b) process.exit(1);

for (const w of Object.values(ways)) for (let i = 0; i < 2000; i++) await transport.sendMail(w(mail(i))); // warm-up
const results = Object.fromEntries(Object.keys(ways).map((k) => [k, []]));
for (let r = 1; r <= ROUNDS; r++) {
  for (const [name, w] of Object.entries(ways)) {
    const c0 = process.cpuUsage();
    for (let i = 0; i < MAILS; i++) await transport.sendMail(w(mail(i)));
    const c = process.cpuUsage(c0);
    const us = (c.user + c.system) / MAILS;
    results[name].push(us);
    console.log(`round ${r}: ${name}: ${us.toFixed(1)} µs CPU per mail`);
  }
}
const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
for (const [name, xs] of Object.entries(results)) console.log(`${name}: median ${median(xs).toFixed(1)} µs per mail over ${ROUNDS} rounds of ${MAILS}`);
