// The permission matrix, generated from the schema: every query, mutation and subscription, called by
// every kind of principal (no token, a customer, an API key of each role, the same roles kept to channel
// eu-web, staff sessions), is let through or refused (FORBIDDEN / UNAUTHENTICATED) exactly as
// docs/permissions.md says. A new operation fails this test until the page lists it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import type { Client } from 'graphql-ws';
import { startTestEngine, type TestEngine } from '../helpers/engine.js';
import { ok, type GqlResult } from '../helpers/gql.js';
import { loadSchema, operations, type Operation } from '../helpers/permission-probe.js';
import { wsClient } from '../e2e/subscriptions.helpers.js';

const ROLES = ['catalog', 'inventory', 'orders', 'settings', 'operations', 'superadmin'] as const;
type Role = (typeof ROLES)[number];

interface Principal { label: string; token?: string; customer?: boolean; role?: Role; scoped?: boolean; staff?: boolean }
interface Rule { roles: Set<string>; scoped: boolean }

const DOC = new URL('../../docs/permissions.md', import.meta.url);

/** The table of docs/permissions.md: `| \`operation\` | kind | roles | yes/no |`. */
function documented(): Map<string, Rule> {
  const rules = new Map<string, Rule>();
  for (const line of readFileSync(DOC, 'utf8').split('\n')) {
    const m = /^\|\s*`(\w+)`\s*\|\s*(query|mutation|subscription)\s*\|([^|]*)\|\s*(yes|no|—)\s*\|/.exec(line);
    if (m) rules.set(`${m[2]} ${m[1]}`, { roles: new Set(m[3].split(',').map((r) => r.trim()).filter(Boolean)), scoped: m[4] === 'yes' });
  }
  return rules;
}

/** What the page says a principal gets: superadmin passes every role's gate, never a customer's. */
function expected(rule: Rule, op: Operation, p: Principal): boolean {
  if (rule.roles.has('anyone')) return true;
  if (p.customer) return rule.roles.has('customer');
  if (!p.role) return false;
  if (p.staff && rule.roles.has('staff session')) return true;
  const adminRoles = ROLES.filter((r) => rule.roles.has(r));
  const byRole = p.role === 'superadmin' ? adminRoles.length > 0 : adminRoles.includes(p.role);
  return byRole && (!p.scoped || rule.scoped);
}

/** A refusal by the gate (not a wrong password's UNAUTHENTICATED, which is the operation's own answer). */
function refused(r: GqlResult): boolean {
  const e = r.errors?.[0];
  const code = e?.extensions?.code;
  return code === 'FORBIDDEN' || (code === 'UNAUTHENTICATED' && /^Sign in or send an API key/.test(e!.message));
}

describe('permission matrix (from the schema, against docs/permissions.md)', () => {
  let t: TestEngine;
  const clients: Client[] = [];
  const principals: Principal[] = [{ label: 'no token' }];
  const ops = operations(loadSchema())
    // Signing out ends the session the rest of the matrix uses: last.
    .sort((a, b) => Number(a.name === 'staffLogout') - Number(b.name === 'staffLogout'));
  /**
   * The sign-outs last, and each principal's own sign-out (a customer's logout, a staff member's
   * staffLogout) after the other one, which its session must still reach to be refused by the gate.
   */
  const SIGN_OUTS = ['staffLogout', 'logout'];
  const opsFor = (p: Principal) => {
    const own = p.customer ? 'logout' : 'staffLogout';
    const rank = (name: string) => (!SIGN_OUTS.includes(name) ? 0 : name === own ? 2 : 1);
    return [...ops].sort((a, b) => rank(a.name) - rank(b.name));
  };

  beforeAll(async () => {
    t = await startTestEngine('sqlite');
    ok(await t.admin(`mutation { createChannel(input: { code: "eu-web", name: "EU web", kind: WEB_STORE, currencyCode: "EUR" }) { id } }`));
    const customer = ok(await t.gql(`mutation { registerCustomer(input: { email: "matrix@example.com", password: "matrix password 1" }) { token } }`)).registerCustomer.token;
    principals.push({ label: 'customer', token: customer, customer: true });
    for (const role of ROLES) {
      for (const scoped of role === 'superadmin' ? [false] : [false, true]) {
        const token = ok(await t.admin(`mutation($n: String!, $r: [String!]!, $c: [String!]) { createApiKey(name: $n, roles: $r, channelCodes: $c) { token } }`, {
          n: `matrix-${role}${scoped ? '-eu' : ''}`, r: [role], c: scoped ? ['eu-web'] : null,
        })).createApiKey.token;
        principals.push({ label: `${role} key${scoped ? ' (eu-web)' : ''}`, token, role, scoped });
      }
    }
    for (const scoped of [false, true]) {
      const email = `matrix-staff${scoped ? '-eu' : ''}@example.com`;
      const invited = ok(await t.admin(`mutation($i: InviteStaffMemberInput!) { inviteStaffMember(input: $i) { invitationToken } }`, {
        i: { email, name: 'Matrix', roles: ['orders'], channelCodes: scoped ? ['eu-web'] : null },
      })).inviteStaffMember.invitationToken;
      const token = ok(await t.gql(`mutation($t: String!) { acceptStaffInvitation(token: $t, password: "matrix password 1") { token } }`, { t: invited })).acceptStaffInvitation.token;
      principals.push({ label: `orders staff${scoped ? ' (eu-web)' : ''}`, token, role: 'orders', scoped, staff: true });
    }
  }, 60_000);
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await t?.stop();
  });

  /** Over graphql-ws: refused when the subscription errors at its start; let through when it stays open. */
  const subscribe = (p: Principal, op: Operation): Promise<GqlResult> => new Promise((resolve) => {
    const c = wsClient(t.url.replace(/^http/, 'ws'), p.token, clients);
    const timer = setTimeout(() => { stop(); resolve({ data: null, status: 200 }); }, 2000);
    const stop = c.subscribe({ query: op.document, variables: op.variables }, {
      next: (r) => { clearTimeout(timer); resolve(r as GqlResult); },
      error: (e) => { clearTimeout(timer); resolve({ status: 200, errors: Array.isArray(e) ? e : [{ message: String((e as Error).message ?? e) }] }); },
      complete: () => { clearTimeout(timer); resolve({ data: null, status: 200 }); },
    });
  });

  it('lets each principal through exactly where the page says, and the page lists every operation', async () => {
    const observed = new Map<string, boolean[]>();
    for (const op of ops) observed.set(`${op.kind} ${op.name}`, []);
    const probe = async (p: Principal) => {
      const i = principals.indexOf(p);
      const seen = (op: Operation) => (r: GqlResult) => {
        observed.get(`${op.kind} ${op.name}`)![i] = !refused(r);
      };
      // A subscription let through is only known by staying open (2 s): a principal's subscriptions wait
      // together, not one after the other. They are answered before a sign-out ends their session.
      const open: Promise<void>[] = [];
      for (const op of opsFor(p)) {
        if (op.kind === 'subscription') {
          open.push(subscribe(p, op).then(seen(op)));
          continue;
        }
        if (SIGN_OUTS.includes(op.name)) await Promise.all(open.splice(0));
        seen(op)(await t.gql(op.document, op.variables, p.token));
      }
      await Promise.all(open);
    };
    // Those who may create a channel go last: once the made-up channel exists, a scoped principal's draft
    // order for it is (rightly) refused as another channel's, which would hide whether drafts are open to it.
    const last = (p: Principal) => p.role === 'superadmin' || p.role === 'settings';
    await Promise.all(principals.filter((p) => !last(p)).map(probe));
    await Promise.all(principals.filter(last).map(probe));

    if (process.env.PRINT_PERMISSIONS) {
      const rows = ops.map((op) => {
        const seen = observed.get(`${op.kind} ${op.name}`)!;
        const at = (label: string) => seen[principals.findIndex((p) => p.label === label)];
        const roles = at('no token') ? ['anyone'] : [
          ...(at('customer') ? ['customer'] : []),
          ...ROLES.filter((r) => r !== 'superadmin' && at(`${r} key`)),
          ...(at('superadmin key') && !ROLES.some((r) => r !== 'superadmin' && at(`${r} key`)) ? ['superadmin'] : []),
          ...(at('orders staff') && !at('orders key') ? ['staff session'] : []),
        ];
        const scoped = principals.some((p, i) => p.scoped && seen[i]);
        return `| \`${op.name}\` | ${op.kind} | ${roles.join(', ')} | ${roles.includes('anyone') ? '—' : scoped ? 'yes' : 'no'} |`;
      });
      writeFileSync('/tmp/permissions-observed.md', rows.join('\n') + '\n');
    }

    const rules = documented();
    const mismatches: string[] = [];
    for (const op of ops) {
      const key = `${op.kind} ${op.name}`;
      const rule = rules.get(key);
      if (!rule) { mismatches.push(`${key}: not in docs/permissions.md`); continue; }
      principals.forEach((p, i) => {
        const want = expected(rule, op, p);
        const got = observed.get(key)![i];
        if (want !== got) mismatches.push(`${key} as ${p.label}: the page says ${want ? 'allowed' : 'refused'}, the engine ${got ? 'let it through' : 'refused it'}`);
      });
    }
    for (const key of rules.keys()) if (!observed.has(key)) mismatches.push(`${key}: in docs/permissions.md but not in the schema`);
    expect(mismatches).toEqual([]);
    // The matrix is not empty on either side: each principal is let through somewhere and refused somewhere.
    principals.forEach((p, i) => {
      const row = ops.map((op) => observed.get(`${op.kind} ${op.name}`)![i]);
      expect(row.some(Boolean), p.label).toBe(true);
      expect(row.some((x) => !x), p.label).toBe(true);
    });
  }, 120_000);
});
